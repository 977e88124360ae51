package io.syncboot.client.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.HybridLogicalClock;
import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * One local database file: documents with their merge state, the outbox of unacknowledged local
 * changesets and the sync metadata, in SQLite ({@code journal_mode=WAL}). Every method that writes
 * runs one transaction. Local writes, client file ids and resets are durable when their method
 * returns ({@code synchronous=FULL}: the log is flushed to the device). Applied downloads are not
 * flushed ({@code synchronous=NORMAL}): they survive a crash of the process at once, and a power
 * loss or an operating system crash once any later transaction of the file is flushed (the log keeps
 * their order, and a flush covers all of it) or checkpointed; such a crash can only roll back the
 * downloads applied last, with the cursor they moved, and they are downloaded again; a download
 * wait flushes them before it completes ({@link #flushDownloads()}). The writes themselves are
 * made by {@link LocalCommitWriter}, {@link DownloadApplier} and {@link FileIdentityWriter}; this
 * class owns the connection, the lock, the transactions and the metadata they publish.
 *
 * <p>Thread-safe: one JDBC connection guarded by a lock writes and reads. A read that finds the lock
 * taken by another thread (a long download batch, a reset's backup, a large local write) does not
 * wait for it: it reads what is committed on a second connection, opened the first time it is
 * needed, read-only, guarded by a lock of its own. {@link #meta()} is lock-free (a volatile snapshot
 * of the last commit), so the event loop may read it.
 */
public final class SqliteStore implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SqliteStore.class);

	private final Path path;

	private final MessageCodec codec;

	private final DocumentTable documents;

	private final OutboxTable outbox;

	private final ReentrantLock lock = new ReentrantLock();

	private final Connection connection; // guarded by lock

	private final StatementCache statements; // guarded by lock

	private final FileOwnership ownership;

	private final HybridLogicalClock clock;

	private final LocalCommitWriter locals;

	private final DownloadApplier downloads;

	private final FileIdentityWriter identity;

	private volatile StoreMeta meta;

	/**
	 * Under the lock: the greatest client version of this file the server said it integrated (a
	 * download's {@code lastIntegratedClientVersion}, or an acknowledgement refused as beyond the last
	 * committed version), 0 if none since the last reset. A recovering reset keeps the stamps of the
	 * unsynced changesets up to it: the server may have them already (their ack lost, or written by
	 * another copy of the file), and stamped anew they would overwrite later writes of others.
	 */
	private long serverIntegratedUpTo;

	private volatile UploadCounters uploadCounters;

	private UploadCounters stagedCounters; // guarded by lock: the counters of the running transaction

	private StoreMeta stagedMeta; // guarded by lock: the metadata of the running transaction

	private volatile boolean closed;

	private boolean flushesCommits = true; // guarded by lock: the connection's synchronous mode is FULL

	// guarded by lock: a commit since the last flushed one may not be flushed; at open too, as the last
	// process may have left commits unflushed (killed before the operating system wrote them back)
	private boolean unflushed = true;

	private final Tables tables; // guarded by lock

	private final ReentrantLock readerLock = new ReentrantLock();

	private @Nullable Tables reader; // guarded by readerLock: the second connection, once opened

	private SqliteStore(Path path, MessageCodec codec, LongSupplier wallMillis, int maxChangesetBytes,
			Connection connection, StatementCache statements, FileOwnership ownership) throws SQLException {
		this.path = path;
		this.ownership = ownership;
		this.codec = codec;
		this.statements = statements;
		this.documents = new DocumentTable(codec, statements);
		this.outbox = new OutboxTable(codec, statements);
		this.connection = connection;
		this.tables = new Tables(connection, statements, this.documents, this.outbox);
		this.meta = MetaTable.recover(MetaTable.read(statements), statements);
		this.stagedMeta = this.meta;
		this.uploadCounters = new UploadCounters(0, 0, this.outbox.bytesUpTo(Long.MAX_VALUE));
		this.stagedCounters = this.uploadCounters;
		this.clock = new HybridLogicalClock(wallMillis, this.meta.lastHlc());
		this.locals = new LocalCommitWriter(codec, wallMillis, maxChangesetBytes, this.documents, this.outbox,
				this.clock);
		this.downloads = new DownloadApplier(codec, this.documents, this.outbox, statements, this.clock);
		this.identity = new FileIdentityWriter(codec, wallMillis, connection, statements, this.documents, this.outbox,
				this.clock);
		connection.rollback();
	}

	/**
	 * Opens or creates a database file, as an owner of its own (see the other overload).
	 * @param maxChangesetBytes the largest encoded changeset a local transaction may produce
	 * @throws StoreException if the file cannot be opened or is not a SyncBoot database
	 * @throws IllegalStateException if the file is open elsewhere, in this process or another
	 */
	public static SqliteStore open(Path path, MessageCodec codec, LongSupplier wallMillis, int maxChangesetBytes) {
		return open(path, codec, wallMillis, maxChangesetBytes, new Object());
	}

	/**
	 * Opens or creates a database file, locked for {@code owner} until {@link #close()}: while
	 * another store holds the file, in this process or another, the open is refused (an owner
	 * reopening a file calls {@link #awaitClosed} first).
	 * @param maxChangesetBytes the largest encoded changeset a local transaction may produce
	 * @param owner who opens it (one sync manager), compared by identity
	 * @throws StoreException if the file cannot be opened or is not a SyncBoot database
	 * @throws IllegalStateException if another owner has the file open
	 */
	public static SqliteStore open(Path path, MessageCodec codec, LongSupplier wallMillis, int maxChangesetBytes,
			Object owner) {
		try {
			Files.createDirectories(path.toAbsolutePath().getParent());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create the directory of " + path, ex);
		}
		SQLiteConfig config = new SQLiteConfig();
		config.setJournalMode(SQLiteConfig.JournalMode.WAL);
		config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
		config.setBusyTimeout(10_000);
		config.enforceForeignKeys(true);
		// no statement reads generated keys; without this the driver queries last_insert_rowid() after every insert
		config.setGetGeneratedKeys(false);
		FileOwnership ownership = FileOwnership.acquire(path, owner);
		Connection connection = null;
		StatementCache statements = null;
		boolean opened = false;
		try {
			connection = DriverManager.getConnection("jdbc:sqlite:" + path.toAbsolutePath(), config.toProperties());
			LocalSchema.prepare(connection);
			MetaTable.initialize(connection);
			connection.setAutoCommit(false);
			statements = new StatementCache(connection);
			SqliteStore store = new SqliteStore(path, codec, wallMillis, maxChangesetBytes, connection, statements,
					ownership);
			opened = true;
			return store;
		}
		catch (SQLException ex) {
			throw new StoreException("cannot open the local database " + path + ": " + ex.getMessage(), ex);
		}
		finally {
			if (!opened) {
				// whatever failed (an Error too), the file is not left locked
				if (statements != null) {
					statements.close();
				}
				closeQuietly(connection);
				ownership.close();
			}
		}
	}

	/**
	 * Waits, at most 30 seconds, for a store of {@code owner} on this file to close (its close may
	 * still be queued behind other work); returns at once if none is open or another owner's is.
	 * Call it holding no lock that the closing thread may need.
	 */
	public static void awaitClosed(Path path, Object owner) {
		FileOwnership.awaitReleased(path, owner, FileOwnership.SAME_OWNER_WAIT);
	}

	/** Whether a store of {@code owner} holds the file (open, or closed but its close still queued). */
	public static boolean isOpenBy(Path path, Object owner) {
		return FileOwnership.isHeldBy(path, owner);
	}

	/**
	 * Locks a database file that is closed, for work on the file itself (moving or deleting it),
	 * as {@link #open} would; close the result to release it.
	 * @throws IllegalStateException if a store has the file open, in this process or another
	 */
	public static FileOwnership lockClosed(Path path, Object owner) {
		return FileOwnership.acquire(path, owner);
	}

	/** The file. */
	public Path path() {
		return this.path;
	}

	/** The metadata as of the last commit; lock-free. */
	public StoreMeta meta() {
		return this.meta;
	}

	/** The upload byte counters as of the last commit; lock-free. */
	public UploadCounters uploadCounters() {
		return this.uploadCounters;
	}

	/**
	 * Commits local writes as one changeset: merges them into the document states (stamped with
	 * fresh clock values and the current client file id, 0 until allocated) and appends the outbox
	 * entry with the next client version, in one transaction.
	 * @return the result
	 * @throws IllegalArgumentException if {@code writes} is empty, or the changeset is larger than
	 * the message size allows
	 */
	public CommitResult commitLocal(List<LocalWrite> writes) {
		return commitLocal(writes, result -> {
		});
	}

	/**
	 * Like {@link #commitLocal(List)}, and calls {@code committed} after the commit, still holding
	 * the store's lock, so that such calls happen in commit order. It must not block.
	 */
	public CommitResult commitLocal(List<LocalWrite> writes, Consumer<CommitResult> committed) {
		if (writes.isEmpty()) {
			throw new IllegalArgumentException("a local commit needs at least one write");
		}
		return inTransaction(true, committed, () -> stage(this.locals.commit(writes, this.meta, this.uploadCounters)));
	}

	/**
	 * Stores the client file id the server allocated, with its salt and the server's salt, and
	 * rewrites every stamp with file id 0 to it, in one transaction.
	 * @throws IllegalStateException if a different file id is already stored
	 */
	public StoreMeta assignClientFileId(long clientFileId, long fileSalt, long serverSalt) {
		if (clientFileId < 1) {
			throw new IllegalArgumentException("clientFileId must be >= 1, was " + clientFileId);
		}
		return inTransaction(true, meta -> {
		}, () -> {
			StoreMeta after = this.identity.assignClientFileId(this.meta, clientFileId, fileSalt, serverSalt);
			this.stagedMeta = after;
			return after;
		});
	}

	/**
	 * Applies a download in one transaction: merges its changesets and document states, moves the
	 * download cursor, stores the upload acknowledgement and removes the acknowledged outbox
	 * entries.
	 * @throws ProtocolException if the cursor would move backwards or the server acknowledges a
	 * client version never committed; nothing is applied then
	 */
	public CommitResult applyDownload(SyncMessage.Download download) {
		return applyDownload(download, result -> {
		});
	}

	/**
	 * Like {@link #applyDownload(SyncMessage.Download)}, and calls {@code committed} after the
	 * commit, still holding the store's lock (see {@link #commitLocal(List, Consumer)}).
	 */
	public CommitResult applyDownload(SyncMessage.Download download, Consumer<CommitResult> committed) {
		return applyDownloads(List.of(download), committed);
	}

	/**
	 * Applies consecutive downloads in one transaction, as {@link #applyDownload} applies one, and
	 * calls {@code committed} after the commit, still holding the store's lock.
	 * @return the documents any of them changed, the bytes of all their content and the metadata
	 * after the last
	 * @throws ProtocolException if one of them would move the cursor backwards or acknowledges a
	 * client version never committed; nothing is applied then
	 */
	public CommitResult applyDownloads(List<SyncMessage.Download> downloads, Consumer<CommitResult> committed) {
		if (downloads.isEmpty()) {
			throw new IllegalArgumentException("no download to apply");
		}
		// not flushed: what a power loss rolls back is downloaded again (see the class comment)
		return inTransaction(false, committed, () -> {
			for (SyncMessage.Download download : downloads) {
				// kept even if the apply fails (an ack beyond the last committed version is refused): for a reset
				this.serverIntegratedUpTo = Math.max(this.serverIntegratedUpTo,
						Math.max(download.lastIntegratedClientVersion(), download.uploadAck()));
			}
			return stage(this.downloads.apply(downloads, this.meta, this.uploadCounters));
		});
	}

	/**
	 * Flushes the applied downloads not flushed yet to the device (see the class comment), so that a
	 * power loss cannot roll them back: a download wait does before it completes. Store thread; does
	 * nothing if every commit is flushed already.
	 * @throws StoreException if the flush fails
	 */
	public void flushDownloads() {
		this.lock.lock();
		try {
			if (!this.unflushed) {
				return;
			}
			inTransaction(true, result -> {
			}, () -> {
				// a flushed commit must write a page (SQLite skips an update that changes nothing): the
				// row is changed and changed back, and the flush covers every commit logged before it
				try (Statement statement = this.connection.createStatement()) {
					statement.executeUpdate("UPDATE meta SET next_client_version = next_client_version + 1");
					statement.executeUpdate("UPDATE meta SET next_client_version = next_client_version - 1");
				}
				return null;
			});
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Every present document as (key, visible fields), and the number of unacknowledged changesets,
	 * read in one transaction.
	 */
	public Snapshot snapshot() {
		return read(tables -> {
			List<Map.Entry<DocumentKey, Map<String, Object>>> documents = new ArrayList<>();
			try (Statement statement = tables.connection().createStatement();
					ResultSet rows = statement.executeQuery(
							"SELECT collection, id, ifnull(body, state), body IS NULL FROM documents WHERE present = 1"
									+ " ORDER BY collection, id")) {
				while (rows.next()) {
					documents.add(Map.entry(new DocumentKey(rows.getString(1), rows.getString(2)),
							tables.documents().visibleFields(rows.getString(3), rows.getBoolean(4))));
				}
			}
			return new Snapshot(documents, tables.outbox().count());
		});
	}

	/**
	 * The visible documents and the outbox size at one moment.
	 * @param documents (key, visible fields) of every present document
	 * @param pendingChanges unacknowledged local changesets
	 */
	public record Snapshot(List<Map.Entry<DocumentKey, Map<String, Object>>> documents, long pendingChanges) {
	}

	/**
	 * Writes a consistent copy of the file to {@code target} (which must not exist), for a backup.
	 * @throws StoreException if the copy fails
	 */
	public void backupTo(Path target) {
		this.lock.lock();
		try {
			checkOpen();
			Path directory = target.toAbsolutePath().getParent();
			Path created = null; // the outermost directory that createDirectories makes
			for (Path missing = directory; missing != null && !Files.exists(missing); missing = missing.getParent()) {
				created = missing;
			}
			Files.createDirectories(directory);
			rollbackQuietly();
			// VACUUM refuses to run while a prepared statement is not reset: compile them again later
			this.statements.close();
			try {
				this.connection.setAutoCommit(true);
				try (PreparedStatement statement = this.connection.prepareStatement("VACUUM INTO ?")) {
					statement.setString(1, target.toAbsolutePath().toString());
					statement.execute();
				}
			}
			finally {
				// the driver counts itself in autocommit mode even if switching failed: always switch back
				this.connection.setAutoCommit(false);
			}
			// a reset commits right after the backup, and what it forgets may be only in the backup: the
			// copy and its directory entry are flushed first, so a power loss cannot keep the one without the other
			forceToDisk(target, created);
		}
		catch (SQLException | IOException ex) {
			throw new StoreException("cannot back up " + this.path + " to " + target + ": " + ex.getMessage(), ex);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Flushes {@code file} and the directory entries that lead to it to the device: its own, and
	 * those of the directories made for it (from {@code created}, the outermost, or none). A file
	 * system that cannot open a directory for a flush (Windows) flushes only the file.
	 */
	private static void forceToDisk(Path file, @Nullable Path created) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			channel.force(true);
		}
		Path stop = (created != null) ? created.getParent() : file.toAbsolutePath().getParent();
		for (Path directory = file.toAbsolutePath().getParent(); directory != null; directory = directory.getParent()) {
			try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
				channel.force(true);
			}
			catch (IOException | UnsupportedOperationException ex) {
				logger.debug("Cannot flush the directory {}: {}", directory, ex.toString());
				return;
			}
			if (directory.equals(stop)) {
				return;
			}
		}
	}

	/**
	 * Runs {@code work} holding the store's lock (it may call this store's methods, the lock is
	 * reentrant): no other transaction, such as a local write, commits meanwhile. A client reset uses
	 * it so that its backup holds every local change its reset forgets.
	 * @return what {@code work} returned
	 */
	public <T> T exclusively(Supplier<T> work) {
		this.lock.lock();
		try {
			return work.get();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Forgets the file's last integrated client version the server told (see {@link #applyDownloads}):
	 * the server found that this file's unsynced changesets are not the ones it integrated at those
	 * versions (another copy of the file wrote them), so a recovering reset stamps them anew like any
	 * other unsynced change. Store thread.
	 */
	public void forgetServerIntegratedVersion() {
		this.lock.lock();
		try {
			this.serverIntegratedUpTo = 0;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Resets the file for a client reset, in one transaction: forgets the client file id, salts,
	 * cursor and acknowledgement, deletes every document and the outbox, and, if {@code recover},
	 * commits the operations of the unacknowledged local changesets again as new local changesets
	 * (stamped anew, file id 0 until the server allocates one; those up to the last client version of
	 * this file the server said it integrated keep their stamps, see {@link #applyDownloads}). Client
	 * versions go on increasing.
	 * @return the documents that were present or changed, and the new metadata
	 * @throws RuntimeException if recovering fails; nothing changed then
	 */
	public CommitResult resetForClientReset(boolean recover) {
		return inTransaction(true, result -> {
			this.serverIntegratedUpTo = 0;
		}, () -> stage(this.identity.resetForClientReset(this.meta, this.uploadCounters, recover,
				this.serverIntegratedUpTo)));
	}

	/** Outbox entries after {@code afterClientVersion}, in order, up to about {@code maxBytes} (at least one if any). */
	public List<OutboxEntry> readOutbox(long afterClientVersion, long maxBytes, int maxEntries) {
		return read(tables -> tables.outbox().read(afterClientVersion, maxBytes, maxEntries));
	}

	/** The number of unacknowledged local changesets. */
	public long pendingChanges() {
		return read(tables -> tables.outbox().count());
	}

	/** Whether a document has unacknowledged local changes. */
	public boolean isPending(DocumentKey key) {
		return read(tables -> tables.documents().pendingVersion(key) > this.meta.uploadAck());
	}

	/** The visible fields of a present document. */
	public Optional<Map<String, Object>> get(DocumentKey key) {
		return read(tables -> tables.documents().body(key));
	}

	/** Whether a document is present. */
	public boolean exists(DocumentKey key) {
		return get(key).isPresent();
	}

	/** The merge state of a document, present or not, if it was ever written. */
	public Optional<DocumentState> state(DocumentKey key) {
		return read(tables -> tables.documents().state(key));
	}

	/** Every present document of a collection as (id, fields), ordered by id. */
	public List<Map.Entry<String, Map<String, Object>>> all(String collection) {
		return read(tables -> tables.documents().bodies(collection));
	}

	/** The number of present documents of a collection. */
	public long count(String collection) {
		return read(tables -> tables.documents().count(collection));
	}

	/** Whether {@link #close()} was called. */
	public boolean isClosed() {
		return this.closed;
	}

	/** Closes the file (waiting for a running transaction and a running read); idempotent. */
	@Override
	public void close() {
		this.lock.lock();
		try {
			if (!this.closed) {
				this.closed = true;
				this.readerLock.lock();
				try {
					if (this.reader != null) {
						this.reader.statements().close();
						closeQuietly(this.reader.connection());
						this.reader = null;
					}
				}
				finally {
					this.readerLock.unlock();
				}
				this.statements.close();
				closeQuietly(this.connection);
				this.ownership.close();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Keeps the metadata and counters a write staged, to publish them when its transaction commits. */
	private CommitResult stage(StagedCommit staged) {
		this.stagedMeta = staged.result().meta();
		this.stagedCounters = staged.counters();
		return staged.result();
	}

	private interface Work<T> {

		T run() throws SQLException;

	}

	/** A connection with its statements and the tables over them. */
	private record Tables(Connection connection, StatementCache statements, DocumentTable documents,
			OutboxTable outbox) {
	}

	private interface ReadWork<T> {

		T run(Tables tables) throws SQLException;

	}

	/**
	 * Runs {@code work} in a read transaction: on the store's connection if its lock is free or held
	 * by this thread (through {@link #exclusively}), else on the reading connection, so that a read
	 * never waits for another thread's transaction. Either sees what is committed.
	 */
	private <T> T read(ReadWork<T> work) {
		if (this.lock.tryLock()) {
			try {
				checkOpen();
				return work.run(this.tables);
			}
			catch (SQLException ex) {
				throw new StoreException("reading " + this.path + " failed: " + ex.getMessage(), ex);
			}
			finally {
				rollbackQuietly();
				this.lock.unlock();
			}
		}
		this.readerLock.lock();
		try {
			checkOpen();
			Tables tables = reader();
			try {
				return work.run(tables);
			}
			finally {
				tables.connection().rollback(); // ends the read transaction: the next read sees later commits
			}
		}
		catch (SQLException ex) {
			throw new StoreException("reading " + this.path + " failed: " + ex.getMessage(), ex);
		}
		finally {
			this.readerLock.unlock();
		}
	}

	/** The reading connection, opened the first time (under the reader lock, the store open). */
	private Tables reader() throws SQLException {
		if (this.reader == null) {
			SQLiteConfig config = new SQLiteConfig();
			config.setBusyTimeout(10_000);
			config.setGetGeneratedKeys(false);
			Connection connection = DriverManager.getConnection("jdbc:sqlite:" + this.path.toAbsolutePath(),
					config.toProperties());
			try {
				try (Statement statement = connection.createStatement()) {
					statement.execute("PRAGMA query_only = 1");
				}
				connection.setAutoCommit(false);
			}
			catch (SQLException ex) {
				closeQuietly(connection);
				throw ex;
			}
			StatementCache statements = new StatementCache(connection);
			this.reader = new Tables(connection, statements, new DocumentTable(this.codec, statements),
					new OutboxTable(this.codec, statements));
		}
		return this.reader;
	}

	/**
	 * Runs {@code work} in one transaction and commits it, flushed to the device when {@code flush}
	 * is set (else it survives a crash of the process, see the class comment).
	 */
	private <T> T inTransaction(boolean flush, Consumer<T> committed, Work<T> work) {
		this.lock.lock();
		try {
			checkOpen();
			T result;
			this.stagedCounters = this.uploadCounters;
			this.stagedMeta = this.meta;
			try {
				flushCommits(flush);
				result = work.run();
				StoreMeta after = this.stagedMeta;
				this.connection.commit();
				this.unflushed = !flush;
				this.meta = after;
				this.uploadCounters = this.stagedCounters;
			}
			catch (SQLException | RuntimeException ex) {
				// the clock stays where it is: it may only move forward, and the next commit persists it
				rollbackQuietly();
				if (ex instanceof SQLException sql) {
					throw new StoreException("writing " + this.path + " failed: " + sql.getMessage(), sql);
				}
				throw (RuntimeException) ex;
			}
			catch (Error ex) {
				// never left open: the next transaction would commit what this one had done so far
				rollbackQuietly();
				throw ex;
			}
			try {
				committed.accept(result);
			}
			catch (RuntimeException ex) {
				logger.error("A commit callback failed on {}", this.path, ex);
			}
			return result;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Sets whether commits are flushed to the device, between transactions (SQLite refuses to change
	 * it inside one, and the driver begins the next transaction at each commit).
	 */
	private void flushCommits(boolean flush) throws SQLException {
		if (this.flushesCommits == flush) {
			return;
		}
		this.connection.rollback(); // the driver's transaction begun at the last commit, still empty
		try {
			this.connection.setAutoCommit(true);
			try (Statement statement = this.connection.createStatement()) {
				statement.execute(flush ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
				this.flushesCommits = flush;
			}
		}
		finally {
			this.connection.setAutoCommit(false);
		}
	}

	/** SQLite's {@code synchronous} setting of the connection now: 2 (FULL) or 1 (NORMAL). For tests. */
	int synchronousSetting() {
		this.lock.lock();
		try (Statement statement = this.connection.createStatement();
				ResultSet rows = statement.executeQuery("PRAGMA synchronous")) {
			return rows.next() ? rows.getInt(1) : -1;
		}
		catch (SQLException ex) {
			throw new StoreException("cannot read the synchronous setting of " + this.path, ex);
		}
		finally {
			this.lock.unlock();
		}
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("the local database " + this.path + " is closed");
		}
	}

	private void rollbackQuietly() {
		try {
			if (!this.closed) {
				this.connection.rollback();
			}
		}
		catch (SQLException ex) {
			// nothing to roll back
		}
	}

	private static void closeQuietly(Connection connection) {
		if (connection != null) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				// closing anyway
			}
		}
	}

}
