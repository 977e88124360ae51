package io.syncboot.server.store;

import java.util.List;

import io.syncboot.core.model.ServerChangeset;

/**
 * One batch of a partition's history, from {@link HistoryStore#changesetsAfter}. Immutable.
 *
 * @param changesets the changesets, in increasing server version order, without the excluded file's own
 * @param scannedVersion the highest server version examined (returned or excluded): the new cursor
 * @param bytes the content bytes of {@code changesets}
 * @param scannedCommittedAt the commit time of the history entry at {@code scannedVersion}, as
 * {@link HistoryEntry#committedAt()} gives it (the server derives the new cursor's salt from it); 0 when
 * nothing was scanned
 */
public record ChangesetBatch(List<ServerChangeset> changesets, long scannedVersion, long bytes,
		long scannedCommittedAt) {

	public ChangesetBatch {
		changesets = List.copyOf(changesets);
		if (scannedVersion < 0 || bytes < 0 || scannedCommittedAt < 0) {
			throw new IllegalArgumentException("scannedVersion, bytes and scannedCommittedAt must be >= 0");
		}
	}

}
