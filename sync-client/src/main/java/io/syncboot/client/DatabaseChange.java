package io.syncboot.client;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The documents one local write transaction or one applied download changed, by collection.
 * Immutable.
 *
 * @param remote {@code true} for changes that came from the server, {@code false} for local writes
 * @param changes the ids of the changed documents (created, updated or deleted) by collection name
 * @param writtenAt for a remote change that carried changes of the server's history, when the
 * newest of them was committed on the client that wrote it, by that client's clock (its hybrid
 * logical clock, in milliseconds), so that {@code now - writtenAt} is how long the change took to
 * reach this client (plus the difference between the two clocks); {@code null} for local writes,
 * for document states of a first download (a snapshot), and for a client reset
 */
public record DatabaseChange(boolean remote, Map<String, Set<String>> changes, @Nullable Instant writtenAt) {

	/**
	 * A change without a write time.
	 * @throws IllegalArgumentException if {@code changes} is null
	 */
	public DatabaseChange(boolean remote, Map<String, Set<String>> changes) {
		this(remote, changes, null);
	}

	/**
	 * @throws IllegalArgumentException if {@code changes} is null, or if {@code writtenAt} is set
	 * for a local change
	 */
	public DatabaseChange {
		Arguments.notNull(changes, "changes");
		if (writtenAt != null && !remote) {
			throw new IllegalArgumentException("writtenAt is for remote changes only, was " + writtenAt
					+ " for a local change");
		}
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
