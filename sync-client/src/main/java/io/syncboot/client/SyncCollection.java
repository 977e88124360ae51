package io.syncboot.client;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * A named collection of documents in a {@link SyncDatabase}. Reads see the local database; each
 * write outside {@link SyncDatabase#write} is its own durable transaction (document change and
 * outbox entry commit together before the method returns). Thread-safe; writes of one database are
 * serialized.
 *
 * <p>Every method throws {@link IllegalArgumentException} for a null or malformed argument (ids
 * are 1 to 512 characters without control characters, values are JSON values; ids, field names and
 * strings must be Unicode text, without an unpaired UTF-16 surrogate), and for a write whose
 * changes, or a document it would make, do not fit in one message (nothing of it is committed),
 * and {@link IllegalStateException} once the database is closed.
 */
public interface SyncCollection {

	/** The collection name. */
	String name();

	/** The document with this id, if present. */
	Optional<Document> get(String id);

	/** The documents whose field {@code field} equals {@code value} (after JSON normalization). */
	List<Document> find(String field, @Nullable Object value);

	/** Every document, ordered by id. */
	List<Document> all();

	/** How many documents are present. */
	long count();

	/** Creates the document or replaces all its fields. */
	void put(String id, Map<String, ?> fields);

	/**
	 * Sets the given fields of an existing document.
	 * @throws IllegalStateException if the document does not exist locally
	 * @throws IllegalArgumentException if {@code fields} is empty
	 */
	void update(String id, Map<String, ?> fields);

	/**
	 * Removes fields of a document.
	 * @throws IllegalArgumentException if no field is named
	 */
	void unset(String id, String... fields);

	/** Deletes the document; a no-op change if it does not exist. */
	void delete(String id);

}
