package io.syncboot.client;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * A {@link SyncCollection} whose documents are read and written as objects of type {@code T},
 * mapped with Jackson: a record or a bean class whose properties are the document's fields.
 * Obtained from {@link SyncDatabase#collection(String, Class)} or, to join a write transaction,
 * {@link WriteTransaction#collection(String, Class)}. Reads and writes go to the same documents as
 * the untyped collection of the same name ({@link #untyped()}), so typed and untyped code, and
 * other clients, see each other's changes.
 *
 * <p><b>Mapping.</b> A value is written as the JSON object Jackson makes of it, with SyncBoot's
 * shared mapper: properties become fields (Jackson annotations such as {@code @JsonProperty},
 * {@code @JsonIgnore} and {@code @JsonFormat} apply), nested objects become maps, collections and
 * arrays become lists, enums their names. {@code java.time} values ({@code Instant},
 * {@code LocalDate}, {@code OffsetDateTime}, {@code Duration}, ...) and {@code java.util.Date} are
 * stored as ISO-8601 strings, {@code BigDecimal} and {@code BigInteger} as decimal strings (no
 * precision is lost), {@code byte[]} as a Base64 string. A read ignores fields the type does not
 * have and gives absent or null fields the Java default ({@code null}, {@code 0}, {@code false}).
 * An integral property ({@code int}, {@code long}, {@code Integer}, {@code BigInteger}, ...) reads
 * a floating-point number only if it is whole and in range ({@code 3.0} reads as {@code 3}); a
 * fractional one such as {@code 2.7} fails the read rather than being truncated. (Primitive arrays
 * such as {@code int[]}, and {@code OptionalInt}/{@code OptionalLong}, take integers only: use a
 * {@code List<Integer>} where other writers may store {@code 3.0}.)
 * {@link #put} replaces every field of the document, so fields the type does not know are dropped
 * by it; {@link #update} sets only the fields it names.
 *
 * <p><b>Field values.</b> A value given to {@link #update} or {@link #find} for a field that
 * {@code T} has a property for is first converted to that property's declared type, then mapped,
 * so it is stored as {@link #put} stores that property: {@code 4} for a {@code double} property
 * is {@code 4.0}, {@code "OPEN"} for an enum property is checked against its constants, {@code 2.7}
 * for an {@code int} property is refused. {@link #find} matches a whole number in either form the
 * store keeps numbers in ({@code 4} and {@code 4.0}), as untyped code and other clients may have
 * written either. (Annotations on the property
 * itself, such as a {@code @JsonFormat} pattern, are not applied to such a value; those on its
 * type are.) A value for a field {@code T} has no property for is mapped as a plain value, as
 * {@link SyncCollection} takes it.
 *
 * <p><b>The id.</b> The document id is not stored as a field. If {@code T} has a property named
 * {@code id} (as Jackson names it), a read fills it with the document id, and a write requires it
 * to be {@code null} or equal to the id given; {@link #put(Object)} takes the id from it. Since it
 * holds a string, it must be of a type Jackson writes as a JSON string: a {@code String},
 * {@code CharSequence}, {@code UUID}, an enum (whose document ids are then its constants as Jackson
 * writes them), a wrapper with a {@code @JsonValue} string, or {@code Object} (each write checks
 * that it holds a string). A type whose {@code id} property is written otherwise (a number, a
 * boolean, an object) is refused when the collection is obtained, with an
 * {@link IllegalArgumentException} naming the type and the property's type. A
 * type without such a property is read without its id: use {@link #untyped()} to list ids.
 *
 * <p><b>Threads and transactions.</b> A collection from a {@link SyncDatabase} is thread-safe and
 * each of its writes is its own durable transaction, as with {@link SyncCollection}; one from a
 * {@link WriteTransaction} is valid only inside the block and on its thread, and its writes commit
 * with the block's.
 *
 * <p><b>Errors.</b> Every method throws {@link IllegalArgumentException} for a null or malformed
 * argument (ids are 1 to 512 characters without control characters) and for a value that cannot
 * be mapped to document fields (the message names the type and the field); reads throw
 * {@link IllegalStateException} for a stored document that cannot be read as {@code T} (the
 * message names the document, the type and the field). Every method throws
 * {@link IllegalStateException} once the database is closed, or, in a transaction, once the block
 * has ended.
 *
 * @param <T> the type documents are mapped to
 */
public interface TypedCollection<T> {

	/** The collection name. */
	String name();

	/** The type documents are mapped to. */
	Class<T> type();

	/** The document with this id as a {@code T}, if present. */
	Optional<T> get(String id);

	/**
	 * The documents whose field {@code field} equals {@code value}, as {@code T}s ordered by id.
	 * {@code field} is the stored field name (the JSON property name); {@code value} is converted to
	 * the declared type of that property and mapped as {@link #put} maps it (an enum by its name, an
	 * {@code Instant} as its ISO-8601 string, {@code 3} for a {@code double} property as
	 * {@code 3.0}, ...), then compared with the stored field as {@link SyncCollection#find} compares,
 * except that a whole number also matches its other stored form ({@code 4} and {@code 4.0}).
	 * The id is not a field: use {@link #get} for it.
	 * @throws IllegalArgumentException if {@code value} cannot be converted to the property's type
	 * or cannot be mapped
	 */
	List<T> find(String field, @Nullable Object value);

	/** Every document as a {@code T}, ordered by id. */
	List<T> all();

	/** How many documents are present. */
	long count();

	/**
	 * Creates the document or replaces all its fields with those of {@code value}.
	 * @throws IllegalArgumentException if {@code id} or {@code value} is null or malformed, if
	 * {@code value} cannot be mapped, or if its {@code id} property is set to another id
	 */
	void put(String id, T value);

	/**
	 * Creates the document or replaces all its fields, under the id held by the value's {@code id}
	 * property.
	 * @throws IllegalArgumentException if {@code value} is null or cannot be mapped, or if
	 * {@code T} has no {@code id} property or it is null in {@code value}
	 */
	void put(T value);

	/**
	 * Sets the given fields of an existing document, leaving the others as they are. Keys are stored
	 * field names; each value is converted to the declared type of that property and mapped as
	 * {@link #put} maps it (a field the type has no property for takes a plain value).
	 * @throws IllegalStateException if the document does not exist locally
	 * @throws IllegalArgumentException if {@code fields} is null or empty, a value cannot be
	 * converted to its property's type or mapped, or it names the {@code id} property of {@code T}
	 */
	void update(String id, Map<String, ?> fields);

	/**
	 * Removes fields of a document (a read then gives those properties their Java default).
	 * @throws IllegalArgumentException if no field is named
	 */
	void unset(String id, String... fields);

	/** Deletes the document; a no-op change if it does not exist. */
	void delete(String id);

	/**
	 * The same collection without mapping, in the same scope (database or transaction): its
	 * documents with their ids and fields as stored.
	 */
	SyncCollection untyped();

}
