package io.syncboot.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one document as read from the local database: its collection, id and fields.
 * Immutable; it does not follow later changes (read it again, or use a
 * {@link DatabaseChangeListener}). Field values are {@code null}, {@link Boolean}, {@link String},
 * {@link Long}, {@link Double}, {@link java.util.List} or {@link Map}.
 *
 * @param collection the collection name
 * @param id the document id
 * @param fields the fields, unmodifiable
 */
public record Document(String collection, String id, Map<String, Object> fields) {

	/**
	 * @throws IllegalArgumentException if an argument is null
	 */
	public Document {
		Arguments.notNull(collection, "collection");
		Arguments.notNull(id, "id");
		Arguments.notNull(fields, "fields");
		fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
	}

	/** The value of one field, or {@code null} if the field is absent or JSON null. */
	public @Nullable Object get(String field) {
		return this.fields.get(Arguments.notNull(field, "field"));
	}

}
