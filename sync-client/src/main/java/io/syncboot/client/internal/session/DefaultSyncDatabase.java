package io.syncboot.client.internal.session;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import io.syncboot.client.DatabaseChange;
import io.syncboot.client.DatabaseChangeListener;
import io.syncboot.client.ListenerToken;
import io.syncboot.client.SyncCollection;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.TypedCollection;
import io.syncboot.client.WriteBlock;
import io.syncboot.client.internal.store.CommitResult;
import io.syncboot.client.internal.store.LocalWrite;
import io.syncboot.client.internal.store.SqliteStore;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.HybridLogicalClock;
import io.syncboot.core.model.Names;

/**
 * An open handle on a session's local file. Writes commit on the caller's thread under the
 * handle's write lock, then notify listeners and nudge the session to upload. Thread-safe.
 */
public final class DefaultSyncDatabase implements SyncDatabase {

	private final EngineContext engine;

	private final SyncConfiguration configuration;

	private final SqliteStore store;

	private final DefaultSyncSession session;

	private final ReentrantLock writeLock = new ReentrantLock();

	private final ListenerList<DatabaseChangeListener> listeners;

	private volatile boolean closed;

	DefaultSyncDatabase(EngineContext engine, SyncConfiguration configuration, SqliteStore store,
			DefaultSyncSession session) {
		this.engine = engine;
		this.configuration = configuration;
		this.store = store;
		this.session = session;
		this.listeners = new ListenerList<>(engine.notifier());
	}

	/** The session of this database. */
	public DefaultSyncSession session() {
		return this.session;
	}

	@Override
	public SyncCollection collection(String name) {
		checkOpen();
		return new DefaultSyncCollection(this, Names.collection(name), null);
	}

	@Override
	public <T> TypedCollection<T> collection(String name, Class<T> type) {
		checkOpen();
		Names.collection(name);
		return new DefaultTypedCollection<>(collection(name), DocumentMapping.of(type));
	}

	@Override
	public void write(WriteBlock block) {
		Checks.notNull(block, "block");
		checkOpen();
		this.writeLock.lock();
		try {
			DefaultWriteTransaction tx = new DefaultWriteTransaction(this);
			try {
				block.execute(tx);
			}
			finally {
				tx.end();
			}
			if (!tx.writes().isEmpty()) {
				commit(tx.writes());
			}
		}
		finally {
			this.writeLock.unlock();
		}
	}

	/** Commits writes as one changeset. */
	void commit(List<LocalWrite> writes) {
		checkOpen();
		CommitResult result;
		this.writeLock.lock();
		try {
			checkOpen();
			result = this.store.commitLocal(writes, committed -> changed(committed, false));
		}
		finally {
			this.writeLock.unlock();
		}
		this.session.localCommitted(this.store, result.outboxEntry());
	}

	/** Notifies listeners of a committed change. */
	void changed(CommitResult result, boolean remote) {
		if (!this.closed) {
			long newest = result.newestRemoteTimestamp();
			DatabaseChange change = new DatabaseChange(remote, result.changes(),
					(remote && newest > 0) ? Instant.ofEpochMilli(HybridLogicalClock.millis(newest)) : null);
			this.listeners.notifyAll(listener -> listener.onChange(change));
		}
	}

	SqliteStore store() {
		checkOpen();
		return this.store;
	}

	@Override
	public ListenerToken addChangeListener(DatabaseChangeListener listener) {
		Checks.notNull(listener, "listener");
		checkOpen();
		return this.listeners.add(listener);
	}

	@Override
	public long pendingChanges() {
		checkOpen();
		return this.store.pendingChanges();
	}

	@Override
	public boolean isDocumentPending(String collection, String id) {
		checkOpen();
		return this.store.isPending(new DocumentKey(collection, id));
	}

	@Override
	public SyncConfiguration configuration() {
		return this.configuration;
	}

	@Override
	public Path path() {
		return this.store.path();
	}

	@Override
	public boolean isClosed() {
		return this.closed;
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.writeLock.lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
		}
		finally {
			this.writeLock.unlock();
		}
		this.session.databaseClosed(this);
	}

	/** Closed by the manager (the store is closed by it). */
	void markClosed() {
		this.closed = true;
	}

	void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("the database " + this.store.path() + " is closed");
		}
	}

	@Override
	public String toString() {
		return "SyncDatabase{" + this.store.path() + (this.closed ? ", closed}" : "}");
	}

}
