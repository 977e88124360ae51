package io.syncboot.server.store;

import io.syncboot.core.model.ServerChangeset;

/**
 * One entry of a partition's history, from {@link HistoryStore#entryAt}: the changeset at a server
 * version and when it was committed. The server derives a download cursor's salt from both.
 * Immutable.
 *
 * @param changeset the changeset, with its server version, origin and operations
 * @param committedAt when the transaction that recorded it was committed (epoch milliseconds, as
 * {@link IntegrationResult#committedAt()} reported it; 0 for a row written before the store recorded
 * commit times)
 */
public record HistoryEntry(ServerChangeset changeset, long committedAt) {

	public HistoryEntry {
		if (committedAt < 0) {
			throw new IllegalArgumentException("committedAt must be >= 0, was " + committedAt);
		}
	}

}
