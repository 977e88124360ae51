package io.syncboot.client;

import java.nio.file.Path;

/**
 * A local database: one SQLite file per (user, partition), kept in sync by its {@link SyncSession}.
 * Opened with {@link SyncManager#open(SyncConfiguration)}; thread-safe. Writes are durable when
 * they return; each is also queued in the outbox until the server acknowledges it.
 *
 * <p>Methods throw {@link IllegalStateException} once the database (or its manager) is closed.
 */
public interface SyncDatabase extends AutoCloseable {

	/**
	 * A collection by name.
	 * @throws IllegalArgumentException if the name breaks the collection naming rules
	 * (1 to 128 of {@code A-Z a-z 0-9 _ . -}, starting with a letter or {@code _})
	 */
	SyncCollection collection(String name);

	/**
	 * A collection by name whose documents are mapped to objects of {@code type} with Jackson (see
	 * {@link TypedCollection} for the mapping and the id). Thread-safe, like the database.
	 * @param <T> the type documents are mapped to
	 * @throws IllegalArgumentException if the name breaks the collection naming rules, or
	 * {@code type} is null or cannot map to a document: it must be a concrete class (a record or a
	 * bean) that Jackson writes as a JSON object, not an interface, abstract class, enum, array,
	 * primitive, or a JDK type such as {@code String}, {@code Map} or {@code List}
	 */
	<T> TypedCollection<T> collection(String name, Class<T> type);

	/**
	 * Runs {@code block} and commits everything it wrote, over any number of collections, as one
	 * atomic changeset; nothing if it throws (the exception propagates). Writes that block nothing
	 * commit nothing.
	 * @throws IllegalArgumentException if {@code block} is null
	 */
	void write(WriteBlock block);

	/**
	 * Registers a listener for local and remote changes; it runs on the notification thread.
	 * @throws IllegalArgumentException if {@code listener} is null
	 */
	ListenerToken addChangeListener(DatabaseChangeListener listener);

	/** The number of local changesets the server has not acknowledged yet. */
	long pendingChanges();

	/** Whether a document has local changes the server has not acknowledged yet. */
	boolean isDocumentPending(String collection, String id);

	/** The configuration it was opened with. */
	SyncConfiguration configuration();

	/** The SQLite file. */
	Path path();

	/** Whether {@link #close()} was called (or the manager closed). */
	boolean isClosed();

	/**
	 * Closes the database; its session follows the configuration's {@link StopPolicy}. Idempotent.
	 */
	@Override
	void close();

}
