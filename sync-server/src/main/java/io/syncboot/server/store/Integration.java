package io.syncboot.server.store;

import java.util.List;

import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Names;

/**
 * One upload to integrate: the changesets a client file sent for its partition. Immutable.
 *
 * @param partition the partition the file belongs to
 * @param fileId the uploading client file
 * @param changesets the changesets, in increasing client version order
 */
public record Integration(String partition, long fileId, List<Changeset> changesets) {

	public Integration {
		Names.partition(partition);
		if (fileId < 1) {
			throw new IllegalArgumentException("fileId must be >= 1, was " + fileId);
		}
		if (changesets == null) {
			throw new IllegalArgumentException("changesets must not be null");
		}
		changesets = List.copyOf(changesets);
	}

}
