package io.syncboot.server.internal.session;

import io.syncboot.core.protocol.SyncMessage;

/**
 * What a {@link ServerSession} needs from the connection that carries it. Implemented by the
 * transport's connection.
 */
public interface SessionOwner {

	/** Queues a message for sending (never blocks). Call on the connection's serial queue only. */
	void send(SyncMessage message);

	/** Whether the outbound queue is below its flow-control limit, so another batch may be read. */
	boolean canSendMore();

	/** Schedules a pump of the session on the connection's serial queue; any thread, coalesced. */
	void requestPump(ServerSession session);

}
