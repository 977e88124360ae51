package io.syncboot.client.internal.session;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.syncboot.client.Document;
import io.syncboot.client.SyncCollection;
import io.syncboot.client.TypedCollection;
import io.syncboot.core.model.Names;
import org.jspecify.annotations.Nullable;

/**
 * A typed view of a {@link DefaultSyncCollection}: maps values with a {@link DocumentMapping} and
 * reads and writes through the untyped collection, so it writes directly or into the same
 * transaction. Thread-safe when the untyped collection is.
 *
 * @param <T> the mapped type
 */
final class DefaultTypedCollection<T> implements TypedCollection<T> {

	private final SyncCollection untyped;

	private final DocumentMapping<T> mapping;

	DefaultTypedCollection(SyncCollection untyped, DocumentMapping<T> mapping) {
		this.untyped = untyped;
		this.mapping = mapping;
	}

	@Override
	public String name() {
		return this.untyped.name();
	}

	@Override
	public Class<T> type() {
		return this.mapping.type();
	}

	@Override
	public Optional<T> get(String id) {
		return this.untyped.get(id).map(this::read);
	}

	@Override
	public List<T> find(String field, @Nullable Object value) {
		Names.field(field);
		Object stored = this.mapping.fieldValue(field, value);
		Object otherForm = otherNumberForm(stored);
		if (otherForm == null) {
			return read(this.untyped.find(field, stored));
		}
		// the store compares exactly, and a whole number may be stored either way (4 or 4.0) by
		// untyped code, other clients or older versions: match both, in id order
		TreeMap<String, Document> byId = new TreeMap<>();
		for (Object form : new Object[] { stored, otherForm }) {
			for (Document document : this.untyped.find(field, form)) {
				byId.put(document.id(), document);
			}
		}
		return read(List.copyOf(byId.values()));
	}

	@Override
	public List<T> all() {
		return read(this.untyped.all());
	}

	@Override
	public long count() {
		return this.untyped.count();
	}

	@Override
	public void put(String id, T value) {
		Names.id(id);
		DocumentMapping.Mapped document = this.mapping.toDocument(id, value);
		this.untyped.put(document.id(), document.fields());
	}

	@Override
	public void put(T value) {
		DocumentMapping.Mapped document = this.mapping.toDocument(null, value);
		this.untyped.put(document.id(), document.fields());
	}

	@Override
	public void update(String id, Map<String, ?> fields) {
		Names.id(id);
		this.untyped.update(id, this.mapping.updateFields(fields));
	}

	@Override
	public void unset(String id, String... fields) {
		this.untyped.unset(id, fields);
	}

	@Override
	public void delete(String id) {
		this.untyped.delete(id);
	}

	@Override
	public SyncCollection untyped() {
		return this.untyped;
	}

	private T read(Document document) {
		return this.mapping.fromFields(document.collection(), document.id(), document.fields());
	}

	private List<T> read(List<Document> documents) {
		return documents.stream().map(this::read).toList();
	}

	@Override
	public String toString() {
		return "TypedCollection{" + this.untyped.name() + ", " + this.mapping.type().getName() + "}";
	}

	/** The other form of a whole number as the store keeps numbers (a long or a double), or null. */
	private static @Nullable Object otherNumberForm(@Nullable Object stored) {
		if (stored instanceof Long whole && Math.abs(whole) <= (1L << 53)) {
			return (double) whole;
		}
		if (stored instanceof Double number && number == Math.rint(number) && Math.abs(number) <= 0x1p53) {
			return number.longValue();
		}
		return null;
	}

}
