package io.syncboot.server.internal.session;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.server.SyncPermissions;
import io.syncboot.server.internal.concurrent.ServerExecutors;
import io.syncboot.server.store.HistoryStore;

/**
 * The parts of the engine every connection and session shares. Immutable; its parts are thread-safe.
 *
 * @param permissions who may read and write which partition
 * @param compensator plans the writes that revert rejected uploads
 */
public record ServerContext(HistoryStore store, ServerExecutors executors, Partitions partitions,
		IntegrationBatcher integrations, ServerSettings settings, MessageCodec codec, SyncPermissions permissions,
		Compensator compensator) {
}
