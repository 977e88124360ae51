package io.syncboot.client.internal.connection;

import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncMessage;

/**
 * Receives the events of one WebSocket. Called on network threads: implementations only post to
 * the event loop.
 */
interface TransportListener {

	/** The handshake succeeded. */
	void onOpen();

	/** A whole message arrived and decoded. */
	void onMessage(SyncMessage message);

	/** A message arrived that is not a valid protocol message (or was too big). */
	void onProtocolError(ProtocolException error);

	/** The connection attempt or the connection failed; {@link #onClosed} may follow. */
	void onFailure(Throwable error);

	/** The connection closed. */
	void onClosed(int code, String reason);

}
