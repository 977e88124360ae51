package io.syncboot.core.model;

import java.util.List;

/**
 * The operations of one local transaction, as the client uploads them. Immutable.
 *
 * @param clientVersion the client's sequence number of this changeset, from 1, gap-free per client file
 * @param baseServerVersion the last server version integrated locally when it was written
 * @param operations the operations, in order, at least one, with strictly increasing timestamps (one
 * clock tick per operation, so no two writes of one writer ever share a stamp)
 */
public record Changeset(long clientVersion, long baseServerVersion, List<Operation> operations) {

	public Changeset {
		if (clientVersion < 1) {
			throw new IllegalArgumentException("clientVersion must be >= 1, was " + clientVersion);
		}
		if (baseServerVersion < 0) {
			throw new IllegalArgumentException("baseServerVersion must be >= 0, was " + baseServerVersion);
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
