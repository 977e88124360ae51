package io.syncboot.client.internal.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates the tables of a new local file and migrates the files of earlier versions, tracked by
 * SQLite's {@code user_version}:
 * <ol>
 * <li>version 1: {@code meta}, {@code documents}, {@code outbox} and an {@code outbox_documents}
 * index of the documents each local changeset touched, and a {@code meta} row rewritten by every
 * local commit;</li>
 * <li>version 2: each document row holds the client version of its last local change
 * ({@code pending_version}) instead of the {@code outbox_documents} rows, and each outbox row
 * holds the clock value after its changeset ({@code last_hlc}), so a local commit writes no
 * {@code meta} row: the next client version and the clock are recovered from the outbox at open
 * (see {@link MetaTable#recover}).</li>
 * <li>version 3: a present document's {@code body} may be null (documents inserted from a
 * bootstrap), its visible fields are then derived from its {@code state}; no table changes, so a
 * version 2 file only gets the new version number, but a version 2 reader must not open such a
 * file.</li>
 * <li>version 4: {@code meta} holds the salt of the download cursor ({@code download_salt}, sent
 * back in the ident so that the server can tell whether its history at the cursor is the one the
 * file downloaded); an earlier file gets the column with 0 (unknown: the server does not check
 * it) until its next download stores one.</li>
 * </ol>
 *
 * <p>Called once by {@link SqliteStore#open} before any other use of the connection (auto-commit
 * on). A migration runs in one transaction: if it fails, the file keeps its earlier version and
 * the {@link SQLException} reaches the caller.
 */
final class LocalSchema {

	/** The version this code writes. */
	static final int VERSION = 4;

	private static final String[] MIGRATE_1_TO_2 = {
			"ALTER TABLE documents ADD COLUMN pending_version INTEGER NOT NULL DEFAULT 0",
			"""
			UPDATE documents SET pending_version = (SELECT MAX(o.client_version) FROM outbox_documents o
			    WHERE o.collection = documents.collection AND o.id = documents.id)
			WHERE EXISTS (SELECT 1 FROM outbox_documents o
			    WHERE o.collection = documents.collection AND o.id = documents.id)""",
			"ALTER TABLE outbox ADD COLUMN last_hlc INTEGER NOT NULL DEFAULT 0",
			"DROP TABLE outbox_documents" };

	private LocalSchema() {
	}

	/**
	 * Brings the file to {@link #VERSION}.
	 * @throws SQLException if the file is of a newer version, or creating or migrating fails
	 */
	static void prepare(Connection connection) throws SQLException {
		int version = userVersion(connection);
		if (version == 0 && hasTable(connection, "outbox_documents")) {
			version = 1; // created by version 1, which set user_version after creating its tables
		}
		if (version > VERSION) {
			throw new SQLException("the file has schema version " + version + ", newer than " + VERSION
					+ " this SyncBoot version reads");
		}
		if (version == VERSION) {
			return;
		}
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			if (version == 0) {
				statement.execute(MetaTable.CREATE_SQL);
				statement.execute(DocumentTable.CREATE_SQL);
				statement.execute(OutboxTable.CREATE_SQL);
			}
			else {
				if (version == 1) {
					for (String sql : MIGRATE_1_TO_2) {
						statement.execute(sql);
					}
				}
				statement.execute(MetaTable.ADD_DOWNLOAD_SALT_SQL);
			}
			statement.execute("PRAGMA user_version = " + VERSION);
			connection.commit();
		}
		catch (SQLException | RuntimeException ex) {
			connection.rollback();
			throw ex;
		}
		finally {
			connection.setAutoCommit(true);
		}
	}

	private static boolean hasTable(Connection connection, String name) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(
						"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'")) {
			return rows.next();
		}
	}

	private static int userVersion(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("PRAGMA user_version")) {
			return rows.next() ? rows.getInt(1) : 0;
		}
	}

}
