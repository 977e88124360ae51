package io.syncboot.client.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The SQL of the one-row {@code meta} table: the file's sync metadata. A local commit does not
 * rewrite it: its next client version and clock may be behind the outbox, and
 * {@link #recover(StoreMeta, StatementCache)} brings them forward at open. Every other commit
 * (download, client file id, client reset) writes it whole. Used by {@link SqliteStore} under its
 * lock; holds no state of its own.
 */
final class MetaTable {

	static final String CREATE_SQL = """
			CREATE TABLE IF NOT EXISTS meta (
			    singleton           INTEGER PRIMARY KEY CHECK (singleton = 1),
			    client_file_id      INTEGER NOT NULL,
			    file_salt           INTEGER NOT NULL,
			    server_salt         INTEGER NOT NULL,
			    download_cursor     INTEGER NOT NULL,
			    upload_ack          INTEGER NOT NULL,
			    next_client_version INTEGER NOT NULL,
			    last_hlc            INTEGER NOT NULL,
			    download_salt       INTEGER NOT NULL DEFAULT 0
			)""";

	/** Adds {@code download_salt} to the table of a file of schema version 3 or earlier (see {@link LocalSchema}). */
	static final String ADD_DOWNLOAD_SALT_SQL = "ALTER TABLE meta ADD COLUMN download_salt INTEGER NOT NULL DEFAULT 0";

	private static final String INSERT_INITIAL_SQL = """
			INSERT OR IGNORE INTO meta VALUES (1, 0, 0, 0, 0, 0, 1, 0, 0)""";

	private static final String SELECT_META_SQL = """
			SELECT client_file_id, file_salt, server_salt, download_cursor, download_salt, upload_ack, next_client_version,
			    last_hlc
			FROM meta WHERE singleton = 1""";

	private static final String UPDATE_META_SQL = """
			UPDATE meta SET client_file_id = ?, file_salt = ?, server_salt = ?, download_cursor = ?, download_salt = ?,
			    upload_ack = ?, next_client_version = ?, last_hlc = ? WHERE singleton = 1""";

	private static final String SELECT_LAST_OUTBOX_SQL = """
			SELECT client_version, last_hlc FROM outbox ORDER BY client_version DESC LIMIT 1""";

	private MetaTable() {
	}

	static void initialize(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.executeUpdate(INSERT_INITIAL_SQL);
		}
	}

	/** The stored row, as the last commit that wrote it left it. */
	static StoreMeta read(StatementCache statements) throws SQLException {
		try (ResultSet rows = statements.prepare(SELECT_META_SQL).executeQuery()) {
			if (!rows.next()) {
				throw new SQLException("the meta row is missing");
			}
			return new StoreMeta(rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4), rows.getLong(5),
					rows.getLong(6), rows.getLong(7), rows.getLong(8));
		}
	}

	/**
	 * The metadata with the next client version after the last outbox entry and the clock at least
	 * at that entry's clock value: what the local commits since the row was written left.
	 */
	static StoreMeta recover(StoreMeta stored, StatementCache statements) throws SQLException {
		try (ResultSet rows = statements.prepare(SELECT_LAST_OUTBOX_SQL).executeQuery()) {
			if (!rows.next()) {
				return stored;
			}
			long nextClientVersion = Math.max(stored.nextClientVersion(), rows.getLong(1) + 1);
			long lastHlc = Math.max(stored.lastHlc(), rows.getLong(2));
			return new StoreMeta(stored.clientFileId(), stored.fileSalt(), stored.serverSalt(), stored.downloadCursor(),
					stored.downloadSalt(), stored.uploadAck(), nextClientVersion, lastHlc);
		}
	}

	static void write(StatementCache statements, StoreMeta meta) throws SQLException {
		PreparedStatement statement = statements.prepare(UPDATE_META_SQL);
		statement.setLong(1, meta.clientFileId());
		statement.setLong(2, meta.fileSalt());
		statement.setLong(3, meta.serverSalt());
		statement.setLong(4, meta.downloadCursor());
		statement.setLong(5, meta.downloadSalt());
		statement.setLong(6, meta.uploadAck());
		statement.setLong(7, meta.nextClientVersion());
		statement.setLong(8, meta.lastHlc());
		if (statement.executeUpdate() != 1) {
			throw new SQLException("the meta row is missing");
		}
	}

}
