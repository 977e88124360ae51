package io.syncboot.client.internal.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.syncboot.client.SyncCollection;
import io.syncboot.client.TypedCollection;
import io.syncboot.client.WriteTransaction;
import io.syncboot.client.internal.store.LocalWrite;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.Names;

/**
 * Collects the writes of one {@code write} block. Confined to the thread running the block.
 */
final class DefaultWriteTransaction implements WriteTransaction {

	private final DefaultSyncDatabase database;

	private final Thread owner = Thread.currentThread();

	private final List<LocalWrite> writes = new ArrayList<>();

	private final Map<DocumentKey, Boolean> presence = new HashMap<>();

	private boolean ended;

	DefaultWriteTransaction(DefaultSyncDatabase database) {
		this.database = database;
	}

	@Override
	public SyncCollection collection(String name) {
		checkActive();
		return new DefaultSyncCollection(this.database, Names.collection(name), this);
	}

	@Override
	public <T> TypedCollection<T> collection(String name, Class<T> type) {
		checkActive();
		Names.collection(name);
		return new DefaultTypedCollection<>(collection(name), DocumentMapping.of(type));
	}

	void add(LocalWrite write) {
		checkActive();
		DocumentKey key = new DocumentKey(write.collection(), write.id());
		if (write instanceof LocalWrite.Put) {
			this.presence.put(key, true);
		}
		else if (write instanceof LocalWrite.Delete) {
			this.presence.put(key, false);
		}
		this.writes.add(write);
	}

	boolean exists(DocumentKey key) {
		checkActive();
		Boolean pending = this.presence.get(key);
		return (pending != null) ? pending : this.database.store().exists(key);
	}

	List<LocalWrite> writes() {
		return this.writes;
	}

	void end() {
		this.ended = true;
	}

	private void checkActive() {
		if (this.ended) {
			throw new IllegalStateException("the write transaction has ended; use the collections only inside the block");
		}
		if (Thread.currentThread() != this.owner) {
			throw new IllegalStateException("the write transaction belongs to thread " + this.owner.getName()
					+ ", not " + Thread.currentThread().getName());
		}
	}

}
