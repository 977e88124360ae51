package io.syncboot.core.merge;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;

/**
 * The merge state of a whole partition held in memory: a map of {@link DocumentState}s. Used as the
 * reference model in tests and by tools; the stores keep the same states on disk.
 *
 * <p>Mutable and not thread-safe.
 */
public final class ReplicaState {

	private final TreeMap<DocumentKey, DocumentState> documents = new TreeMap<>();

	/** Applies every operation of a server changeset. */
	public void apply(ServerChangeset changeset) {
		for (Operation operation : changeset.operations()) {
			apply(operation, changeset.originFileId());
		}
	}

	/** Applies one operation written by {@code originFileId}. */
	public boolean apply(Operation operation, long originFileId) {
		DocumentKey key = new DocumentKey(operation.collection(), operation.id());
		return this.documents.computeIfAbsent(key, DocumentState::new).apply(operation, originFileId);
	}

	/** Joins a document state into this replica. */
	public boolean merge(DocumentState state) {
		return this.documents.computeIfAbsent(state.key(), DocumentState::new).merge(state);
	}

	/** Every document state, including absent ones, sorted by key; unmodifiable view. */
	public Map<DocumentKey, DocumentState> documents() {
		return Collections.unmodifiableMap(this.documents);
	}

	/** What a reader sees: the fields of every present document, sorted by key. */
	public Map<DocumentKey, Map<String, Object>> visibleDocuments() {
		Map<DocumentKey, Map<String, Object>> visible = new TreeMap<>();
		this.documents.forEach((key, state) -> {
			if (state.isPresent()) {
				visible.put(key, state.visibleFields());
			}
		});
		return visible;
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof ReplicaState that) && this.documents.equals(that.documents);
	}

	@Override
	public int hashCode() {
		return this.documents.hashCode();
	}

}
