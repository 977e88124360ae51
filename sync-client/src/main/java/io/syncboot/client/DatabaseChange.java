package io.syncboot.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The documents one local write transaction or one applied download changed, by collection.
 * Immutable.
 *
 * @param remote {@code true} for changes that came from the server, {@code false} for local writes
 * @param changes the ids of the changed documents (created, updated or deleted) by collection name
 */
public record DatabaseChange(boolean remote, Map<String, Set<String>> changes) {

	/**
	 * @throws IllegalArgumentException if {@code changes} is null
	 */
	public DatabaseChange {
		Arguments.notNull(changes, "changes");
		Map<String, Set<String>> copy = new LinkedHashMap<>();
		changes.forEach((collection, ids) -> copy.put(collection, Collections.unmodifiableSet(new LinkedHashSet<>(ids))));
		changes = Collections.unmodifiableMap(copy);
	}

	/** The names of the collections that changed. */
	public Set<String> collections() {
		return this.changes.keySet();
	}

	/** The ids of the changed documents of one collection; empty if none changed. */
	public Set<String> ids(String collection) {
		Arguments.notNull(collection, "collection");
		return this.changes.getOrDefault(collection, Set.of());
	}

	/** Whether a document changed. */
	public boolean contains(String collection, String id) {
		return ids(collection).contains(Arguments.notNull(id, "id"));
	}

	/** How many documents changed. */
	public int size() {
		return this.changes.values().stream().mapToInt(Set::size).sum();
	}

}
