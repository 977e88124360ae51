package io.syncboot.server.store.jdbc;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.Names;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.server.store.ChangesetBatch;
import io.syncboot.server.store.ClientFile;
import io.syncboot.server.store.CompensationPlanner;
import io.syncboot.server.store.HistoryEntry;
import io.syncboot.server.store.HistoryStore;
import io.syncboot.server.store.Integration;
import io.syncboot.server.store.IntegrationResult;
import io.syncboot.server.store.SnapshotBatch;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@link HistoryStore} on a relational database through JDBC. {@link #sqlite(Path)} opens the
 * embedded default: one SQLite file in a data directory, in WAL mode with {@code synchronous=FULL}
 * (a commit is on disk before it returns), one writer connection and a few read connections.
 *
 * {@link #postgresql(DataSource)} opens the store on a PostgreSQL database that any number of
 * server nodes share: versions are allocated under row locks, every write transaction commits with
 * {@code synchronous_commit = on}, commits are announced with {@code NOTIFY} after they commit (see
 * {@link JdbcDialect#commitNotificationSql()}) and received through {@link #subscribe}.
 *
 * <p>Thread-safe. Writes of one store are serialized on one lock (SQLite has one writer; on
 * PostgreSQL each node has one write transaction at a time and the nodes' transactions run
 * concurrently); reads run concurrently on the read data source. The schema is created and upgraded
 * by Flyway migrations from the dialect's location, with the history table
 * {@code syncboot_schema_history}. Database failures surface as Spring {@code DataAccessException}s;
 * a failed write is rolled back. History older than a cutoff is removed by {@link #compact}.
 */
public final class JdbcHistoryStore implements HistoryStore {

	/** Seconds a monitoring query ({@link #sizeBytes()}, {@link #partitionCount()}) may run before it fails. */
	static final int MONITORING_QUERY_TIMEOUT_SECONDS = 5;

	/** The file name of the embedded database inside the data directory. */
	public static final String SQLITE_FILE_NAME = "syncboot-server.db";

	/** The Flyway schema history table of the store. */
	public static final String SCHEMA_HISTORY_TABLE = "syncboot_schema_history";

	private static final Logger logger = LoggerFactory.getLogger(JdbcHistoryStore.class);

	private static final int HISTORY_PAGE_ROWS = 200;

	private static final int MAX_SCANNED_ROWS = 5_000;

	private static final int SNAPSHOT_PAGE_ROWS = 500;

	private static final String SERVER_SALT = "server_salt";

	private static final String INSERT_META_SQL = """
			INSERT INTO syncboot_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING
			""";

	private static final String SELECT_META_SQL = """
			SELECT value FROM syncboot_meta WHERE name = ?
			""";

	private static final String INSERT_PARTITION_SQL = """
			INSERT INTO syncboot_partition (name, latest_version) VALUES (?, 0) ON CONFLICT (name) DO NOTHING
			""";

	private static final String SELECT_PARTITION_ID_SQL = """
			SELECT id FROM syncboot_partition WHERE name = ?
			""";

	private static final String SELECT_LATEST_VERSION_SQL = """
			SELECT latest_version FROM syncboot_partition WHERE id = ?
			""";

	private static final String INSERT_CLIENT_FILE_SQL = """
			INSERT INTO syncboot_client_file (partition_id, salt, last_client_version, created_at, owner)
			VALUES (?, ?, 0, ?, ?) RETURNING id
			""";

	private static final String SELECT_CLIENT_FILE_SQL = """
			SELECT f.id, p.name, f.salt, f.last_client_version, f.owner
			FROM syncboot_client_file f JOIN syncboot_partition p ON p.id = f.partition_id
			WHERE f.id = ?
			""";

	private static final String SELECT_HISTORY_SQL = """
			SELECT server_version, origin_file_id, client_version, size_bytes,
			       CASE WHEN origin_file_id = ? THEN NULL ELSE ops END AS ops, committed_at
			FROM syncboot_history
			WHERE partition_id = ? AND server_version > ?
			ORDER BY server_version
			LIMIT ?
			""";

	private static final String SELECT_HISTORY_AT_SQL = """
			SELECT origin_file_id, client_version, ops, committed_at FROM syncboot_history
			WHERE partition_id = ? AND server_version = ?
			""";

	private static final String SUM_HISTORY_BYTES_SQL = """
			SELECT COALESCE(SUM(size_bytes), 0) FROM syncboot_history
			WHERE partition_id = ? AND server_version > ? AND origin_file_id <> ?
			""";

	private static final String SUM_HISTORY_BYTES_BETWEEN_SQL = """
			SELECT COALESCE(SUM(size_bytes), 0) FROM syncboot_history
			WHERE partition_id = ? AND server_version > ? AND server_version <= ? AND origin_file_id <> ?
			""";

	private static final String SELECT_SNAPSHOT_SQL = """
			SELECT collection, doc_id, state, size_bytes FROM syncboot_document
			WHERE partition_id = ? AND (collection, doc_id) > (?, ?)
			ORDER BY %s
			LIMIT ?
			""";

	private static final String SUM_SNAPSHOT_BYTES_SQL = """
			SELECT COALESCE(SUM(size_bytes), 0) FROM syncboot_document
			WHERE partition_id = ? AND (collection, doc_id) > (?, ?)
			""";

	private static final String SELECT_SNAPSHOT_TOTAL_SQL = """
			SELECT snapshot_bytes FROM syncboot_partition WHERE id = ?
			""";

	private static final String SELECT_COMPACTED_VERSION_SQL = """
			SELECT compacted_version FROM syncboot_partition WHERE id = ?
			""";

	private static final String SELECT_PARTITIONS_SQL = """
			SELECT id FROM syncboot_partition ORDER BY id
			""";

	private static final String COUNT_PARTITIONS_SQL = """
			SELECT COUNT(*) FROM syncboot_partition
			""";

	// one scan of the partition's history: the greatest version committed before the cutoff, and the
	// least one committed at or after it (0 for none)
	private static final String SELECT_HORIZON_SQL = """
			SELECT COALESCE(MAX(CASE WHEN committed_at < ? THEN server_version END), 0),
			       COALESCE(MIN(CASE WHEN committed_at >= ? THEN server_version END), 0)
			FROM syncboot_history WHERE partition_id = ?
			""";

	private static final String UPDATE_HORIZON_SQL = """
			UPDATE syncboot_partition SET compacted_version = ? WHERE id = ? AND compacted_version < ?
			""";

	// the partition's horizon and its least version still in the history (NULL for none)
	private static final String SELECT_COMPACTION_STATE_SQL = """
			SELECT p.compacted_version, (SELECT MIN(h.server_version) FROM syncboot_history h WHERE h.partition_id = p.id)
			FROM syncboot_partition p WHERE p.id = ?
			""";

	private static final String DELETE_HISTORY_SQL = """
			DELETE FROM syncboot_history WHERE partition_id = ? AND server_version > ? AND server_version <= ?
			""";

	/** History rows deleted per transaction by {@link #compact}, at most. */
	static final int COMPACTION_CHUNK_ROWS = 5_000;

	private static final int POSTGRES_POOL_SIZE = 8;

	private final JdbcTemplate writer;

	private final JdbcDialect dialect;

	private final @Nullable String writeSetupSql;

	private final @Nullable DataSource listenerDataSource;

	private final List<PostgresCommitListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

	private final TransactionTemplate transactions;

	private final JdbcTemplate reader;

	private final JdbcTemplate monitor; // the reader's connections, a query timeout: figures asked for by a metrics scrape

	private final JdbcIntegration integration;

	private final WriterStatements writerStatements; // under writeLock

	private final MessageCodec codec = new MessageCodec(Integer.MAX_VALUE / 2);

	private final String selectSnapshotSql;

	private final SecureRandom random = new SecureRandom();

	private final Map<String, Long> partitionIds = new ConcurrentHashMap<>();

	private final Object writeLock = new Object();

	private final List<AutoCloseable> resources;

	private final long serverSalt;

	private volatile boolean closed;

	private volatile int compactionChunkRows = COMPACTION_CHUNK_ROWS;

	/**
	 * A store on migrated data sources.
	 * @param writeDataSource the connections writes run on, in transactions
	 * @param readDataSource the connections reads run on (may be the same)
	 * @param dialect the database's dialect
	 * @param resources closed by {@link #close()}, in order
	 */
	public JdbcHistoryStore(DataSource writeDataSource, DataSource readDataSource, JdbcDialect dialect,
			List<? extends AutoCloseable> resources) {
		this(writeDataSource, readDataSource, null, dialect, resources, false);
	}

	/**
	 * A store whose writes all run on one connection ({@code singleWriterConnection}), which keeps
	 * the integration's prepared statements between transactions (the embedded SQLite store).
	 */
	JdbcHistoryStore(DataSource writeDataSource, DataSource readDataSource, JdbcDialect dialect,
			List<? extends AutoCloseable> resources, boolean singleWriterConnection) {
		this(writeDataSource, readDataSource, null, dialect, resources, singleWriterConnection);
	}

	private JdbcHistoryStore(DataSource writeDataSource, DataSource readDataSource,
			@Nullable DataSource listenerDataSource, JdbcDialect dialect, List<? extends AutoCloseable> resources,
			boolean singleWriterConnection) {
		if (writeDataSource == null || readDataSource == null || dialect == null || resources == null) {
			throw new IllegalArgumentException("data sources, dialect and resources must not be null");
		}
		this.writer = new JdbcTemplate(writeDataSource);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(writeDataSource));
		this.reader = new JdbcTemplate(readDataSource);
		this.monitor = new JdbcTemplate(readDataSource);
		this.monitor.setQueryTimeout(MONITORING_QUERY_TIMEOUT_SECONDS);
		SQLExceptionTranslator translator = dialect.exceptionTranslator();
		if (translator != null) {
			this.writer.setExceptionTranslator(translator);
			this.reader.setExceptionTranslator(translator);
			this.monitor.setExceptionTranslator(translator);
		}
		this.writerStatements = new WriterStatements(this.writer, singleWriterConnection);
		this.integration = new JdbcIntegration(this.writer, this.writerStatements, this.codec, dialect);
		this.selectSnapshotSql = SELECT_SNAPSHOT_SQL.formatted(dialect.documentKeyOrder());
		this.resources = List.copyOf(resources);
		this.dialect = dialect;
		this.writeSetupSql = dialect.writeTransactionSetup();
		this.listenerDataSource = listenerDataSource;
		this.serverSalt = initServerSalt();
	}

	/**
	 * Opens (creating or upgrading it when needed) the embedded SQLite store in a data directory: the
	 * file {@value #SQLITE_FILE_NAME}, WAL mode, {@code synchronous=FULL}. The store holds the data
	 * directory's lock (the file {@code syncboot-server.lock}) until it closes, so that a second
	 * server on the same directory, in another process or in this one, is refused: each would keep
	 * its own view of the history in memory.
	 * @throws IllegalArgumentException if the directory cannot be created or is not a directory
	 * @throws IllegalStateException if the database cannot be opened durably, or another store holds
	 * the directory's lock
	 */
	public static JdbcHistoryStore sqlite(Path dataDirectory) {
		return SqliteDatabase.open(dataDirectory, true);
	}

	/**
	 * Opens the embedded SQLite store in a data directory as {@link #sqlite(Path)} does, without its
	 * lock: for a tool or a test that reads the history beside the server that holds the directory
	 * (SQLite keeps concurrent access consistent). Never run a server on a store opened this way
	 * while another runs on the directory.
	 * @throws IllegalArgumentException if the directory cannot be created or is not a directory
	 * @throws IllegalStateException if the database cannot be opened durably
	 */
	public static JdbcHistoryStore sqliteBesideItsServer(Path dataDirectory) {
		return SqliteDatabase.open(dataDirectory, false);
	}

	/**
	 * Opens (creating or upgrading its schema when needed) the store on a PostgreSQL database shared by
	 * any number of server nodes. Reads and writes borrow connections from {@code dataSource} (a
	 * connection pool, e.g. the application's); {@link #subscribe} holds one more connection for
	 * {@code LISTEN}. Closing the store does not close the data source.
	 */
	public static JdbcHistoryStore postgresql(DataSource dataSource) {
		if (dataSource == null) {
			throw new IllegalArgumentException("dataSource must not be null");
		}
		migrate(dataSource, PostgresDialect.INSTANCE);
		return new JdbcHistoryStore(dataSource, dataSource, dataSource, PostgresDialect.INSTANCE, List.of(), false);
	}

	/**
	 * Opens the store on a PostgreSQL database by URL ({@code jdbc:postgresql://host:5432/db}), with
	 * a small pool of its own (8 connections, closed by {@link #close()}) and a connection for
	 * {@code LISTEN}. Requires the PostgreSQL JDBC driver on the class path.
	 */
	public static JdbcHistoryStore postgresql(String jdbcUrl, @Nullable String user, @Nullable String password) {
		if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
			throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql:, was " + jdbcUrl);
		}
		DataSource connections = new org.springframework.jdbc.datasource.DriverManagerDataSource(jdbcUrl,
				(user != null) ? user : "", (password != null) ? password : "");
		migrate(connections, PostgresDialect.INSTANCE);
		ReadConnectionPool pool = new ReadConnectionPool(connections, POSTGRES_POOL_SIZE);
		try {
			return new JdbcHistoryStore(pool, pool, connections, PostgresDialect.INSTANCE, List.of(pool), false);
		}
		catch (RuntimeException ex) {
			pool.close();
			throw ex;
		}
	}

	/** The dialect of the database. */
	public JdbcDialect dialect() {
		return this.dialect;
	}

	/**
	 * Runs the dialect's Flyway migrations on a data source, with {@value #SCHEMA_HISTORY_TABLE}. The
	 * schema may hold other tables (an application's, with their own migration history): the first
	 * run then starts the store's history at version 0 and applies every migration.
	 */
	public static void migrate(DataSource dataSource, JdbcDialect dialect) {
		Flyway.configure(JdbcHistoryStore.class.getClassLoader())
			.dataSource(dataSource)
			.locations(dialect.migrationLocation())
			.table(SCHEMA_HISTORY_TABLE)
			.baselineOnMigrate(true)
			.baselineVersion("0")
			.failOnMissingLocations(true)
			.load()
			.migrate();
	}

	private long initServerSalt() {
		long candidate = randomNonZero();
		this.writer.update(INSERT_META_SQL, SERVER_SALT, Long.toString(candidate));
		String stored = this.writer.queryForObject(SELECT_META_SQL, String.class, SERVER_SALT);
		return Long.parseLong(stored);
	}

	private long randomNonZero() {
		long value;
		do {
			value = this.random.nextLong() & Long.MAX_VALUE;
		}
		while (value == 0);
		return value;
	}

	@Override
	public long serverSalt() {
		checkOpen();
		return this.serverSalt;
	}

	@Override
	public ClientFile allocateClientFile(String partition) {
		return allocate(partition, null);
	}

	@Override
	public ClientFile allocateClientFile(String partition, String owner) {
		if (owner == null || owner.isBlank()) {
			throw new IllegalArgumentException("owner must not be blank");
		}
		return allocate(partition, owner);
	}

	private ClientFile allocate(String partition, @Nullable String owner) {
		Names.partition(partition);
		long salt = randomNonZero();
		return write(() -> {
			this.writer.update(INSERT_PARTITION_SQL, partition);
			long partitionId = this.writer.queryForObject(SELECT_PARTITION_ID_SQL, Long.class, partition);
			long id = this.writer.queryForObject(INSERT_CLIENT_FILE_SQL, Long.class, partitionId, salt,
					System.currentTimeMillis(), owner);
			return new ClientFile(id, partition, salt, 0, owner);
		});
	}

	@Override
	public Optional<ClientFile> findClientFile(long fileId) {
		checkOpen();
		List<ClientFile> found = this.reader.query(SELECT_CLIENT_FILE_SQL,
				(rs, n) -> new ClientFile(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5)),
				fileId);
		return found.stream().findFirst();
	}

	/**
	 * {@inheritDoc}
	 * <p>Runs on the calling thread under the store's write lock. The usual path encodes each changed
	 * state once; if one would be too large, that transaction is rolled back and the upload is
	 * integrated again in a second transaction that measures each changeset's documents.
	 */
	@Override
	public IntegrationResult integrate(String partition, long fileId, List<Changeset> changesets,
			CompensationPlanner oversized) {
		Names.partition(partition);
		if (changesets == null || oversized == null) {
			throw new IllegalArgumentException("changesets and oversized must not be null");
		}
		try {
			return write(() -> this.integration.integrate(partition, fileId, changesets, oversized,
					this::randomNonZero, false));
		}
		catch (JdbcIntegration.OversizedDocument ex) {
			return write(() -> this.integration.integrate(partition, fileId, changesets, oversized,
					this::randomNonZero, true));
		}
	}

	/**
	 * {@inheritDoc}
	 * <p>One transaction for the whole group, under the store's write lock; if a document would be
	 * too large, it is rolled back and the whole group is integrated again in one transaction that
	 * measures each changeset's documents.
	 */
	@Override
	public List<IntegrationResult> integrateAll(List<Integration> integrations, CompensationPlanner oversized) {
		if (integrations == null || oversized == null) {
			throw new IllegalArgumentException("integrations and oversized must not be null");
		}
		try {
			return integrateAll(integrations, oversized, false);
		}
		catch (JdbcIntegration.OversizedDocument ex) {
			return integrateAll(integrations, oversized, true);
		}
	}

	private List<IntegrationResult> integrateAll(List<Integration> integrations, CompensationPlanner oversized,
			boolean careful) {
		return write(() -> {
			lockPartitionsInOrder(integrations);
			return integrations.stream()
				.map(i -> this.integration.integrate(i.partition(), i.fileId(), i.changesets(), oversized,
						this::randomNonZero, careful))
				.toList();
		});
	}

	/**
	 * Where several nodes write, locks the partitions of a group in name order first, so that two
	 * groups touching the same partitions never wait on each other in a cycle.
	 */
	private void lockPartitionsInOrder(List<Integration> integrations) {
		String lock = this.dialect.integrationLockClause();
		if (lock.isEmpty()) {
			return;
		}
		java.util.SortedSet<String> names = new java.util.TreeSet<>();
		integrations.forEach(i -> names.add(i.partition()));
		if (names.size() < 2) {
			return;
		}
		for (String name : names) {
			this.writer.query("SELECT id FROM syncboot_partition WHERE name = ? " + lock, rs -> {
			}, name);
		}
	}

	@Override
	public IntegrationResult reject(String partition, long fileId, List<Changeset> changesets,
			CompensationPlanner planner) {
		Names.partition(partition);
		if (changesets == null || planner == null) {
			throw new IllegalArgumentException("changesets and planner must not be null");
		}
		return write(() -> this.integration.reject(partition, fileId, changesets, planner, this::randomNonZero));
	}

	/**
	 * Runs {@code work} in one write transaction under the store's write lock, then, once it has
	 * committed and the lock is released, announces the commits it recorded to the other nodes
	 * ({@link #announce}). A failed transaction is rolled back and announces nothing.
	 */
	private <T> T write(java.util.function.Supplier<T> work) {
		T result;
		List<String> announcements;
		synchronized (this.writeLock) {
			checkOpen();
			String setup = this.writeSetupSql;
			try {
				result = this.transactions.execute(status -> {
					if (setup != null) {
						this.writer.execute(setup);
					}
					return work.get();
				});
			}
			finally {
				announcements = this.integration.takeAnnouncements(); // discarded if the transaction failed
			}
			if (result == null) {
				throw new IllegalStateException("write returned no result");
			}
		}
		announce(announcements);
		return result;
	}

	/**
	 * Announces committed writes to the other nodes ({@link JdbcDialect#commitNotificationSql()}),
	 * one statement per payload, on one connection of the write data source, in a short transaction
	 * of their own (so that the listeners are woken once), after the write transaction committed: outside it, so that the transaction does not
	 * take PostgreSQL's lock for notifying transactions over its commit's flush, and outside the
	 * store's write lock, so the node's next write need not wait for it. Runs on the calling thread;
	 * announcements of writes on different threads may arrive out of order (listeners keep the
	 * greatest version). Never throws: the writes are committed whatever happens here, and a failed
	 * or lost announcement (the database unreachable, or the node stopped between its commit and the
	 * announcement) delays the change on the other nodes until their periodic catch-up
	 * ({@link PostgresCommitListener}), so it is logged, as a warning unless the store is closed.
	 */
	private void announce(List<String> announcements) {
		String sql = this.dialect.commitNotificationSql();
		if (announcements.isEmpty() || sql == null) {
			return;
		}
		try {
			this.writer.execute((ConnectionCallback<Void>) connection -> {
				// one transaction (one commit, one wake-up of each listener), whatever the pool's
				// auto-commit setting: a connection handed out without auto-commit would roll it back
				boolean autoCommit = connection.getAutoCommit();
				if (autoCommit) {
					connection.setAutoCommit(false);
				}
				boolean sent = false;
				try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
					for (String payload : announcements) {
						statement.setString(1, payload);
						statement.executeQuery().close();
					}
					connection.commit();
					sent = true;
				}
				finally {
					if (!sent) {
						connection.rollback();
					}
					if (autoCommit) {
						connection.setAutoCommit(true);
					}
				}
				return null;
			});
		}
		catch (RuntimeException ex) {
			if (this.closed) {
				logger.debug("Commits not announced, the store closed: {}", ex.toString());
			}
			else {
				logger.warn("Commits not announced to the other nodes ({}); they see them at their next catch-up: {}",
						announcements, ex.toString());
			}
		}
	}

	@Override
	public long latestVersion(String partition) {
		long partitionId = partitionId(partition);
		if (partitionId < 0) {
			return 0;
		}
		Long latest = this.reader.queryForObject(SELECT_LATEST_VERSION_SQL, Long.class, partitionId);
		return (latest != null) ? latest : 0;
	}

	private record HistoryRow(long version, long origin, long clientVersion, long size, @Nullable String ops,
			long committedAt) {
	}

	@Override
	public ChangesetBatch changesetsAfter(String partition, long afterVersion, long excludeFileId, long maxBytes) {
		if (afterVersion < 0 || maxBytes < 1) {
			throw new IllegalArgumentException("afterVersion must be >= 0 and maxBytes >= 1, were " + afterVersion
					+ " and " + maxBytes);
		}
		long partitionId = partitionId(partition);
		List<ServerChangeset> changesets = new ArrayList<>();
		long cursor = afterVersion;
		long cursorCommittedAt = 0;
		long bytes = 0;
		int scanned = 0;
		if (partitionId < 0) {
			return new ChangesetBatch(changesets, cursor, bytes, cursorCommittedAt);
		}
		scan: while (scanned < MAX_SCANNED_ROWS) {
			List<HistoryRow> rows = this.reader.query(SELECT_HISTORY_SQL, (rs, n) -> new HistoryRow(rs.getLong(1),
					rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getLong(6)), excludeFileId,
					partitionId, cursor, HISTORY_PAGE_ROWS);
			for (HistoryRow row : rows) {
				if (row.ops() == null) {
					cursor = row.version();
					cursorCommittedAt = row.committedAt();
					scanned++;
					continue;
				}
				if (!changesets.isEmpty() && bytes + row.size() > maxBytes) {
					break scan;
				}
				changesets.add(new ServerChangeset(row.version(), row.origin(), row.clientVersion(),
						this.codec.decodeOperations(row.ops())));
				bytes += row.size();
				cursor = row.version();
				cursorCommittedAt = row.committedAt();
				scanned++;
				if (bytes >= maxBytes) {
					break scan;
				}
			}
			if (rows.size() < HISTORY_PAGE_ROWS) {
				break;
			}
		}
		return new ChangesetBatch(changesets, cursor, bytes, cursorCommittedAt);
	}

	@Override
	public Optional<HistoryEntry> entryAt(String partition, long serverVersion) {
		if (serverVersion < 1) {
			throw new IllegalArgumentException("serverVersion must be >= 1, was " + serverVersion);
		}
		long partitionId = partitionId(partition);
		if (partitionId < 0) {
			return Optional.empty();
		}
		return this.reader.query(SELECT_HISTORY_AT_SQL, (rs, n) -> new HistoryEntry(new ServerChangeset(serverVersion,
				rs.getLong(1), rs.getLong(2), this.codec.decodeOperations(rs.getString(3))), rs.getLong(4)),
				partitionId, serverVersion)
			.stream()
			.findFirst();
	}

	@Override
	public long bytesAfter(String partition, long afterVersion, long excludeFileId) {
		long partitionId = partitionId(partition);
		if (partitionId < 0) {
			return 0;
		}
		Long sum = this.reader.queryForObject(SUM_HISTORY_BYTES_SQL, Long.class, partitionId, afterVersion,
				excludeFileId);
		return (sum != null) ? sum : 0;
	}

	@Override
	public long bytesBetween(String partition, long afterVersion, long upToVersion, long excludeFileId) {
		if (upToVersion <= afterVersion) {
			return 0;
		}
		long partitionId = partitionId(partition);
		if (partitionId < 0) {
			return 0;
		}
		Long sum = this.reader.queryForObject(SUM_HISTORY_BYTES_BETWEEN_SQL, Long.class, partitionId, afterVersion,
				upToVersion, excludeFileId);
		return (sum != null) ? sum : 0;
	}

	private record DocumentRow(String collection, String id, String state, long size) {
	}

	@Override
	public SnapshotBatch snapshot(String partition, @Nullable DocumentKey afterKey, long maxBytes) {
		if (maxBytes < 1) {
			throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
		}
		long partitionId = partitionId(partition);
		List<DocumentState> documents = new ArrayList<>();
		if (partitionId < 0) {
			return new SnapshotBatch(documents, null, 0);
		}
		String collection = (afterKey != null) ? afterKey.collection() : "";
		String id = (afterKey != null) ? afterKey.id() : "";
		long bytes = 0;
		while (true) {
			List<DocumentRow> rows = this.reader.query(this.selectSnapshotSql, (rs, n) -> new DocumentRow(
					this.dialect.text(rs, 1), this.dialect.text(rs, 2), this.dialect.text(rs, 3), rs.getLong(4)),
					partitionId, collection, id, SNAPSHOT_PAGE_ROWS);
			for (DocumentRow row : rows) {
				if (!documents.isEmpty() && bytes + row.size() > maxBytes) {
					return new SnapshotBatch(documents, new DocumentKey(collection, id), bytes);
				}
				// sent on as stored: decoded only if someone reads its content
				documents.add(this.codec.decodeDocumentStateLazily(new DocumentKey(row.collection(), row.id()),
						row.state()));
				bytes += row.size();
				collection = row.collection();
				id = row.id();
			}
			if (rows.size() < SNAPSHOT_PAGE_ROWS) {
				return new SnapshotBatch(documents, null, bytes);
			}
		}
	}

	@Override
	public long snapshotBytesAfter(String partition, @Nullable DocumentKey afterKey) {
		long partitionId = partitionId(partition);
		if (partitionId < 0) {
			return 0;
		}
		Long sum = (afterKey != null)
				? this.reader.queryForObject(SUM_SNAPSHOT_BYTES_SQL, Long.class, partitionId, afterKey.collection(),
						afterKey.id())
				// kept by every integration: no scan of the partition's documents
				: this.reader.queryForObject(SELECT_SNAPSHOT_TOTAL_SQL, Long.class, partitionId);
		return (sum != null) ? sum : 0;
	}

	@Override
	public long sizeBytes() {
		checkOpen();
		String sql = this.dialect.sizeBytesSql();
		if (sql == null) {
			return -1;
		}
		Long bytes = this.monitor.queryForObject(sql, Long.class);
		return (bytes != null) ? bytes : -1;
	}

	/**
	 * Counts the rows of {@code syncboot_partition} (one per partition, a scan of its primary key);
	 * like {@link #sizeBytes()}, fails after {@value #MONITORING_QUERY_TIMEOUT_SECONDS} s of query.
	 */
	@Override
	public long partitionCount() {
		checkOpen();
		Long count = this.monitor.queryForObject(COUNT_PARTITIONS_SQL, Long.class);
		return (count != null) ? count : -1;
	}

	@Override
	public long compactedVersion(String partition) {
		long partitionId = partitionId(partition);
		if (partitionId < 0) {
			return 0;
		}
		Long horizon = this.reader.queryForObject(SELECT_COMPACTED_VERSION_SQL, Long.class, partitionId);
		return (horizon != null) ? horizon : 0;
	}

	/**
	 * {@inheritDoc}
	 * <p>Runs on the calling thread, partition by partition: the horizon is found by one read of the
	 * partition's history (outside the write lock); it is raised in a short write transaction
	 * ({@code compacted_version} only moves up), which commits before any row is deleted, so a download
	 * that reads history while rows disappear finds the horizon above its cursor when it checks
	 * ({@link #compactedVersion}); then the history at or below the horizon is deleted in write
	 * transactions of at most {@value #COMPACTION_CHUNK_ROWS} rows each, each taking and releasing the
	 * store's write lock, so this node's other writes run between them. The deletes lock only the
	 * history rows they delete, not the partition row: uploads to the partition go on meanwhile. Every
	 * step may be repeated (by another node's round at the same time, too): a round that stops midway
	 * (a failure, a crash) leaves rows at or below the horizon, which no download reads, and the next
	 * round deletes them. A failure ends the round with the {@code DataAccessException}; what committed
	 * before it stays.
	 */
	@Override
	public long compact(long cutoffMillis) {
		checkOpen();
		long removed = 0;
		for (Long partitionId : this.reader.queryForList(SELECT_PARTITIONS_SQL, Long.class)) {
			removed += compactPartition(partitionId, cutoffMillis);
		}
		if (removed > 0) {
			logger.info("Compacted the history: {} changesets committed before {} removed", removed,
					java.time.Instant.ofEpochMilli(cutoffMillis));
		}
		return removed;
	}

	/** Compacts one partition (see {@link #compact}); returns the rows deleted. */
	private long compactPartition(long partitionId, long cutoffMillis) {
		checkOpen();
		Long found = this.reader.queryForObject(SELECT_HORIZON_SQL, (rs, row) -> horizon(rs.getLong(1),
				rs.getLong(2)), cutoffMillis, cutoffMillis, partitionId);
		long horizon = (found != null) ? found : 0;
		long[] state = this.reader.queryForObject(SELECT_COMPACTION_STATE_SQL,
				(rs, row) -> new long[] { rs.getLong(1), rs.getLong(2) }, partitionId); // MIN: 0 for no rows
		if (state == null) {
			return 0;
		}
		long target = state[0];
		if (horizon > target) {
			target = write(() -> {
				this.writer.update(UPDATE_HORIZON_SQL, horizon, partitionId, horizon);
				Long stored = this.writer.queryForObject(SELECT_COMPACTED_VERSION_SQL, Long.class, partitionId);
				return Math.max(horizon, (stored != null) ? stored : 0);
			});
		}
		long least = state[1];
		if (least == 0 || least > target) {
			return 0;
		}
		long removed = 0;
		long after = least - 1;
		while (after < target) {
			long from = after;
			long upTo = Math.min(target, from + this.compactionChunkRows);
			removed += write(() -> (long) this.writer.update(DELETE_HISTORY_SQL, partitionId, from, upTo));
			after = upTo;
		}
		return removed;
	}

	/** Sets the rows deleted per transaction by {@link #compact} (tests). */
	void compactionChunkRows(int rows) {
		if (rows < 1) {
			throw new IllegalArgumentException("rows must be >= 1, was " + rows);
		}
		this.compactionChunkRows = rows;
	}

	/**
	 * The horizon of a compaction: the greatest version committed before the cutoff, but below the
	 * least version committed at or after it. Commit times are the committing nodes' wall clocks,
	 * so a version committed later by a node whose clock is behind (or stepped back) can look older
	 * than the versions before it; the horizon never passes a version that is still within the
	 * retention.
	 * @param lastBefore the greatest version committed before the cutoff, 0 for none
	 * @param firstKept the least version committed at or after the cutoff, 0 for none
	 */
	private static long horizon(long lastBefore, long firstKept) {
		return (firstKept == 0) ? lastBefore : Math.min(lastBefore, firstKept - 1);
	}

	@Override
	public AutoCloseable subscribe(CommitListener listener, java.util.concurrent.ThreadFactory threads) {
		checkOpen();
		DataSource source = this.listenerDataSource;
		if (source == null || this.dialect.commitNotificationSql() == null) {
			return () -> {
			};
		}
		PostgresCommitListener started = PostgresCommitListener.start(source, listener, threads);
		this.listeners.add(started);
		return () -> {
			this.listeners.remove(started);
			started.close();
		};
	}

	private long partitionId(String partition) {
		Names.partition(partition);
		checkOpen();
		Long cached = this.partitionIds.get(partition);
		if (cached != null) {
			return cached;
		}
		List<Long> found = this.reader.queryForList(SELECT_PARTITION_ID_SQL, Long.class, partition);
		if (found.isEmpty()) {
			return -1;
		}
		this.partitionIds.put(partition, found.get(0));
		return found.get(0);
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("the history store is closed");
		}
	}

	@Override
	public void close() {
		synchronized (this.writeLock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			for (PostgresCommitListener listener : this.listeners) {
				listener.close();
			}
			this.listeners.clear();
			this.writerStatements.close();
			for (AutoCloseable resource : this.resources) {
				try {
					resource.close();
				}
				catch (Exception ex) {
					logger.warn("Failed to close a resource of the history store", ex);
				}
			}
		}
	}

}
