package io.syncboot.server.store.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Opens the embedded SQLite database of a {@link JdbcHistoryStore}: migrates it, opens one writer
 * connection ({@code BEGIN IMMEDIATE}) and a small pool of read connections, and checks that commits
 * are durable (WAL, {@code synchronous=FULL}), holding the data directory's {@link DataDirectoryLock}
 * until the store closes (unless opened beside its server). Stateless.
 */
final class SqliteDatabase {

	private static final Logger logger = LoggerFactory.getLogger(SqliteDatabase.class);

	private static final int READ_CONNECTIONS = 4;

	private static final String SELECT_JOURNAL_MODE_SQL = """
			PRAGMA journal_mode
			""";

	private static final String SELECT_SYNCHRONOUS_SQL = """
			PRAGMA synchronous
			""";

	private SqliteDatabase() {
	}

	static JdbcHistoryStore open(Path dataDirectory, boolean exclusive) {
		if (dataDirectory == null) {
			throw new IllegalArgumentException("dataDirectory must not be null");
		}
		try {
			Files.createDirectories(dataDirectory);
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("cannot create data directory " + dataDirectory + ": " + ex, ex);
		}
		String url = "jdbc:sqlite:" + dataDirectory.resolve(JdbcHistoryStore.SQLITE_FILE_NAME).toAbsolutePath();
		AutoCloseable lock = exclusive ? DataDirectoryLock.acquire(dataDirectory) : () -> { };
		try {
			JdbcHistoryStore.migrate(sqliteDataSource(url, false), SqliteDialect.INSTANCE);
			Connection writeConnection;
			try {
				writeConnection = sqliteDataSource(url, true).getConnection();
				checkDurable(writeConnection, url);
			}
			catch (SQLException ex) {
				throw new IllegalStateException("cannot open " + url + ": " + ex.getMessage(), ex);
			}
			SingleConnectionDataSource writeDataSource = new SingleConnectionDataSource(writeConnection, true);
			ReadConnectionPool readPool = new ReadConnectionPool(sqliteDataSource(url, false), READ_CONNECTIONS);
			logger.info("Opened the SyncBoot history store {}", url);
			// the lock goes last, once every connection to the file is closed
			return new JdbcHistoryStore(writeDataSource, readPool, SqliteDialect.INSTANCE,
					List.<AutoCloseable>of(readPool, writeDataSource::destroy, lock), true);
		}
		catch (RuntimeException | Error ex) {
			closeQuietly(lock);
			throw ex;
		}
	}

	private static void closeQuietly(AutoCloseable lock) {
		try {
			lock.close();
		}
		catch (Exception ex) {
			logger.debug("Cannot release the data directory lock", ex);
		}
	}

	private static void checkDurable(Connection connection, String url) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			String journal;
			int synchronous;
			try (ResultSet rs = statement.executeQuery(SELECT_JOURNAL_MODE_SQL)) {
				rs.next();
				journal = rs.getString(1);
			}
			try (ResultSet rs = statement.executeQuery(SELECT_SYNCHRONOUS_SQL)) {
				rs.next();
				synchronous = rs.getInt(1);
			}
			if (!"wal".equalsIgnoreCase(journal) || synchronous != 2) {
				connection.close();
				throw new IllegalStateException("the history store " + url + " is not durable: journal_mode=" + journal
						+ ", synchronous=" + synchronous + " (expected wal and 2 = FULL)");
			}
		}
	}

	private static SQLiteDataSource sqliteDataSource(String url, boolean writer) {
		SQLiteConfig config = new SQLiteConfig();
		config.setJournalMode(SQLiteConfig.JournalMode.WAL);
		config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
		config.setBusyTimeout(30_000);
		config.enforceForeignKeys(true);
		// ids come back through RETURNING; without this the driver queries last_insert_rowid() after every insert
		config.setGetGeneratedKeys(false);
		if (writer) {
			config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
		}
		SQLiteDataSource dataSource = new SQLiteDataSource(config);
		dataSource.setUrl(url);
		return dataSource;
	}

}
