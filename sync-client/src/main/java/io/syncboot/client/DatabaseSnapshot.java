package io.syncboot.client;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A read-only copy of the visible documents of a local database at one moment, handed to
 * {@link ClientResetListener}s: the state before a client reset and the state after it. It does
 * not change when the database changes. Immutable and thread-safe.
 */
public final class DatabaseSnapshot {

	private final Path path;

	private final Map<String, Map<String, Document>> collections;

	private final long pendingChanges;

	/**
	 * Creates a snapshot.
	 * @param path the database file it was taken from
	 * @param documents the visible documents
	 * @param pendingChanges the number of local changesets not acknowledged by the server then
	 * @throws IllegalArgumentException if {@code path} or {@code documents} is null
	 */
	public DatabaseSnapshot(Path path, List<Document> documents, long pendingChanges) {
		this.path = Arguments.notNull(path, "path");
		Map<String, Map<String, Document>> byCollection = new TreeMap<>();
		for (Document document : Arguments.notNull(documents, "documents")) {
			byCollection.computeIfAbsent(document.collection(), c -> new TreeMap<>()).put(document.id(), document);
		}
		byCollection.replaceAll((collection, byId) -> Collections.unmodifiableMap(byId));
		this.collections = Collections.unmodifiableMap(byCollection);
		this.pendingChanges = pendingChanges;
	}

	/** The database file it was taken from. */
	public Path path() {
		return this.path;
	}

	/** The names of the collections that had documents. */
	public Set<String> collections() {
		return this.collections.keySet();
	}

	/** The documents of a collection, by id; empty if it had none. */
	public List<Document> all(String collection) {
		return new ArrayList<>(this.collections.getOrDefault(Arguments.notNull(collection, "collection"), Map.of()).values());
	}

	/** One document, if it was present. */
	public Optional<Document> get(String collection, String id) {
		Arguments.notNull(id, "id");
		return Optional.ofNullable(this.collections.getOrDefault(Arguments.notNull(collection, "collection"), Map.of()).get(id));
	}

	/** How many documents it has in all collections. */
	public int size() {
		return this.collections.values().stream().mapToInt(Map::size).sum();
	}

	/** The number of local changesets the server had not acknowledged then. */
	public long pendingChanges() {
		return this.pendingChanges;
	}

	@Override
	public String toString() {
		return "DatabaseSnapshot{" + this.path + ", " + size() + " documents, " + this.pendingChanges + " pending}";
	}

}
