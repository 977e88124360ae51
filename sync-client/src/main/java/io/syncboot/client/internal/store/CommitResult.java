package io.syncboot.client.internal.store;

import java.util.Map;
import java.util.Set;

/**
 * What a committed local transaction or applied download did. Immutable.
 *
 * @param clientVersion the client version of the local changeset, 0 for a download
 * @param changes the ids of changed documents by collection (local: every written document;
 * download: the documents whose state changed)
 * @param meta the metadata after the commit
 */
public record CommitResult(long clientVersion, Map<String, Set<String>> changes, StoreMeta meta) {

	/** Whether any document changed. */
	public boolean hasChanges() {
		return !this.changes.isEmpty();
	}

}
