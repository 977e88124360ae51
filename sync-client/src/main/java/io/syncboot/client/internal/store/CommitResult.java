package io.syncboot.client.internal.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.syncboot.core.model.DocumentKey;
import org.jspecify.annotations.Nullable;

/**
 * What a committed local transaction or applied download did. Immutable.
 *
 * @param clientVersion the client version of the local changeset, 0 for a download
 * @param changes the ids of changed documents by collection (local: every written document;
 * download: the documents whose state changed)
 * @param meta the metadata after the commit
 * @param downloadedBytes for a download, the bytes of its content as the server counts them (each
 * changeset's encoded operations and each encoded document state); 0 otherwise
 * @param outboxEntry for a local commit, the outbox entry it appended (what an upload reads back),
 * so that it can be uploaded without reading the outbox; {@code null} otherwise
 * @param newestRemoteTimestamp for a download, the greatest clock value of the operations of the
 * server changesets it applied (their writers' hybrid logical clocks); 0 if it applied none
 */
public record CommitResult(long clientVersion, Map<String, Set<String>> changes, StoreMeta meta, long downloadedBytes,
		@Nullable OutboxEntry outboxEntry, long newestRemoteTimestamp) {

	/** The result of a commit that appended no outbox entry and downloaded nothing. */
	public CommitResult(long clientVersion, Map<String, Set<String>> changes, StoreMeta meta) {
		this(clientVersion, changes, meta, 0, null, 0);
	}

	/**
	 * The ids of {@code keys} by collection, ids sorted, collections in first-seen order. Sorted
	 * once per collection (in linear time for keys that come in order, as a snapshot's do) rather
	 * than kept in a tree.
	 */
	static Map<String, Set<String>> byCollection(Set<DocumentKey> keys) {
		Map<String, List<String>> ids = new LinkedHashMap<>();
		for (DocumentKey key : keys) {
			ids.computeIfAbsent(key.collection(), c -> new ArrayList<>()).add(key.id());
		}
		Map<String, Set<String>> result = new LinkedHashMap<>();
		ids.forEach((collection, list) -> {
			list.sort(null);
			result.put(collection, new LinkedHashSet<>(list));
		});
		return result;
	}

	/** Whether any document changed. */
	public boolean hasChanges() {
		return !this.changes.isEmpty();
	}

}
