package io.syncboot.server.internal.session;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.server.internal.concurrent.ServerExecutors;
import io.syncboot.server.store.HistoryStore;

/**
 * The parts of the engine every connection and session shares. Immutable; its parts are thread-safe.
 */
public record ServerContext(HistoryStore store, ServerExecutors executors, Partitions partitions,
		IntegrationBatcher integrations, ServerSettings settings, MessageCodec codec) {
}
