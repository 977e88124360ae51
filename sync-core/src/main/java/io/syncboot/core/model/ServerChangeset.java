package io.syncboot.core.model;

import java.util.List;

/**
 * A changeset as integrated by the server: given a server version in its partition and tagged with
 * the client file it came from. Immutable.
 *
 * @param serverVersion the version the server gave it, from 1, gap-free per partition
 * @param originFileId the client file id of the writer
 * @param clientVersion the writer's client version of it
 * @param operations the operations, in order, at least one, with strictly increasing timestamps (one
 * clock tick per operation, so no two writes of one writer ever share a stamp)
 */
public record ServerChangeset(long serverVersion, long originFileId, long clientVersion, List<Operation> operations) {

	public ServerChangeset {
		if (serverVersion < 1) {
			throw new IllegalArgumentException("serverVersion must be >= 1, was " + serverVersion);
		}
		if (originFileId < 1) {
			throw new IllegalArgumentException("originFileId must be >= 1, was " + originFileId);
		}
		if (clientVersion < 1) {
			throw new IllegalArgumentException("clientVersion must be >= 1, was " + clientVersion);
		}
		if (operations == null || operations.isEmpty()) {
			throw new IllegalArgumentException("a changeset needs at least one operation");
		}
		operations = List.copyOf(operations);
		long previous = 0;
		for (Operation operation : operations) {
			if (operation.timestamp() <= previous) {
				throw new IllegalArgumentException("operation timestamps must increase within a changeset, "
						+ operation.timestamp() + " follows " + previous);
			}
			previous = operation.timestamp();
		}
	}

}
