package io.syncboot.client.internal.session;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.syncboot.client.Document;
import io.syncboot.client.SyncCollection;
import io.syncboot.client.internal.store.LocalWrite;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.JsonValues;
import io.syncboot.core.model.Names;
import org.jspecify.annotations.Nullable;

/**
 * A collection of a database, writing either directly (one transaction per call) or into a
 * {@link DefaultWriteTransaction}. Thread-safe when direct.
 */
final class DefaultSyncCollection implements SyncCollection {

	private final DefaultSyncDatabase database;

	private final String name;

	private final @Nullable DefaultWriteTransaction transaction;

	DefaultSyncCollection(DefaultSyncDatabase database, String name, @Nullable DefaultWriteTransaction transaction) {
		this.database = database;
		this.name = name;
		this.transaction = transaction;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public Optional<Document> get(String id) {
		DocumentKey key = new DocumentKey(this.name, id);
		return this.database.store().get(key).map(fields -> new Document(this.name, id, fields));
	}

	@Override
	public List<Document> find(String field, @Nullable Object value) {
		Names.field(field);
		Object wanted = JsonValues.normalize(value);
		List<Document> found = new ArrayList<>();
		for (Document document : all()) {
			if (document.fields().containsKey(field) && Objects.equals(document.fields().get(field), wanted)) {
				found.add(document);
			}
		}
		return found;
	}

	@Override
	public List<Document> all() {
		return this.database.store()
			.all(this.name)
			.stream()
			.map(entry -> new Document(this.name, entry.getKey(), entry.getValue()))
			.toList();
	}

	@Override
	public long count() {
		return this.database.store().count(this.name);
	}

	@Override
	public void put(String id, Map<String, ?> fields) {
		write(new LocalWrite.Put(this.name, id, JsonValues.normalizeFields(fields)));
	}

	@Override
	public void update(String id, Map<String, ?> fields) {
		LocalWrite.Update update = new LocalWrite.Update(this.name, id, JsonValues.normalizeFields(fields));
		DocumentKey key = new DocumentKey(this.name, id);
		boolean exists = (this.transaction != null) ? this.transaction.exists(key) : this.database.store().exists(key);
		if (!exists) {
			throw new IllegalStateException("document " + key + " does not exist locally; use put to create it");
		}
		write(update);
	}

	@Override
	public void unset(String id, String... fields) {
		Checks.notNull(fields, "fields");
		Set<String> names = new LinkedHashSet<>();
		for (String field : fields) {
			names.add(Names.field(field));
		}
		write(new LocalWrite.Unset(this.name, id, names));
	}

	@Override
	public void delete(String id) {
		write(new LocalWrite.Delete(this.name, id));
	}

	private void write(LocalWrite write) {
		if (this.transaction != null) {
			this.transaction.add(write);
		}
		else {
			this.database.commit(List.of(write));
		}
	}

	@Override
	public String toString() {
		return "SyncCollection{" + this.name + "}";
	}

}
