package io.syncboot.server.store;

import java.util.List;

import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.DocumentKey;
import org.jspecify.annotations.Nullable;

/**
 * One page of a partition's document states, from {@link HistoryStore#snapshot}. The states are
 * shared with no one: the caller may keep them. Immutable list.
 *
 * @param documents the states, in key order
 * @param nextKey the key to pass as {@code afterKey} for the next page, {@code null} on the last page
 * @param bytes the content bytes of {@code documents}
 */
public record SnapshotBatch(List<DocumentState> documents, @Nullable DocumentKey nextKey, long bytes) {

	public SnapshotBatch {
		documents = List.copyOf(documents);
		if (bytes < 0) {
			throw new IllegalArgumentException("bytes must be >= 0");
		}
	}

	/** Whether this is the last page. */
	public boolean isLast() {
		return this.nextKey == null;
	}

}
