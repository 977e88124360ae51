package io.syncboot.server.store;

import io.syncboot.core.model.Names;
import org.jspecify.annotations.Nullable;

/**
 * A client file the server allocated: one local database of one client on one partition. Immutable.
 *
 * @param fileId the id, from 1, unique in the history
 * @param partition the partition the file syncs
 * @param salt a random number the client must present with the id (non-zero)
 * @param lastIntegratedClientVersion the greatest client version of this file integrated so far
 * @param owner the user the file was allocated to (only that user may use it), or {@code null} if
 * not recorded
 */
public record ClientFile(long fileId, String partition, long salt, long lastIntegratedClientVersion,
		@Nullable String owner) {

	public ClientFile {
		if (fileId < 1) {
			throw new IllegalArgumentException("fileId must be >= 1, was " + fileId);
		}
		Names.partition(partition);
		if (salt == 0) {
			throw new IllegalArgumentException("salt must not be 0");
		}
		if (lastIntegratedClientVersion < 0) {
			throw new IllegalArgumentException(
					"lastIntegratedClientVersion must be >= 0, was " + lastIntegratedClientVersion);
		}
	}

	/** A client file whose owner was not recorded (files allocated before owners were kept). */
	public ClientFile(long fileId, String partition, long salt, long lastIntegratedClientVersion) {
		this(fileId, partition, salt, lastIntegratedClientVersion, null);
	}

}
