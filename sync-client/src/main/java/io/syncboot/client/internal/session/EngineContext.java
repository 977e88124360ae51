package io.syncboot.client.internal.session;

import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.internal.concurrent.CallbackPool;
import io.syncboot.client.internal.concurrent.EventLoop;
import io.syncboot.client.internal.connection.ConnectionPool;
import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.protocol.SyncProtocol;

/**
 * The engine resources of one manager: settings, codec, the event loop ({@code syncboot-loop-N}),
 * the store thread ({@code syncboot-store-N}) for the engine's SQLite work, the notification
 * thread ({@code syncboot-notify-N}) for every user callback but progress listeners, the progress
 * threads ({@code syncboot-progress-N}, serial per session) for those, and the connection pool
 * (loop only).
 *
 * @param uploadBatchBytes the target size of one upload message
 */
public record EngineContext(SyncClientSettings settings, MessageCodec codec, EventLoop loop, EventLoop storeThread,
		EventLoop notifier, CallbackPool progressPool, ConnectionPool pool, int uploadBatchBytes) {

	/** Room left in a message around its changesets ({@link SyncProtocol#ENVELOPE_BYTES}). */
	public static final int ENVELOPE_BYTES = SyncProtocol.ENVELOPE_BYTES;

	/** The largest encoded changeset one local transaction may produce. */
	public int maxChangesetBytes() {
		return this.settings.maxMessageBytes() - ENVELOPE_BYTES;
	}

	/** The upload batch size for the settings: the protocol's default, at most half a message. */
	public static int uploadBatchBytes(SyncClientSettings settings) {
		return Math.min(SyncProtocol.DEFAULT_BATCH_BYTES, settings.maxMessageBytes() / 2);
	}

}
