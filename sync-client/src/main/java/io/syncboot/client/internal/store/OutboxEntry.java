package io.syncboot.client.internal.store;

import java.util.List;

import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;

/**
 * One unacknowledged local changeset as stored in the outbox. Immutable.
 *
 * @param clientVersion its client version
 * @param baseServerVersion the download cursor when it was written
 * @param operations its operations
 * @param byteSize the size of its encoded operations, in bytes
 */
public record OutboxEntry(long clientVersion, long baseServerVersion, List<Operation> operations, long byteSize) {

	/** The changeset to upload. */
	public Changeset toChangeset() {
		return new Changeset(this.clientVersion, this.baseServerVersion, this.operations);
	}

}
