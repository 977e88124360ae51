package io.syncboot.client.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.model.DocumentKey;

/**
 * The SQL of the {@code outbox} (unacknowledged local changesets) and of
 * {@code outbox_documents} (which documents they touch, for pending-document queries). Used by
 * {@link SqliteStore} under its lock; holds no state of its own.
 */
final class OutboxTable {

	static final String CREATE_SQL = """
			CREATE TABLE IF NOT EXISTS outbox (
			    client_version      INTEGER PRIMARY KEY,
			    base_server_version INTEGER NOT NULL,
			    ops                 TEXT    NOT NULL,
			    byte_size           INTEGER NOT NULL,
			    created_at          INTEGER NOT NULL
			)""";

	static final String CREATE_DOCUMENTS_SQL = """
			CREATE TABLE IF NOT EXISTS outbox_documents (
			    collection     TEXT    NOT NULL,
			    id             TEXT    NOT NULL,
			    client_version INTEGER NOT NULL,
			    PRIMARY KEY (collection, id, client_version)
			) WITHOUT ROWID""";

	static final String CREATE_DOCUMENTS_INDEX_SQL = """
			CREATE INDEX IF NOT EXISTS outbox_documents_by_version ON outbox_documents (client_version)""";

	private static final String INSERT_ENTRY_SQL = """
			INSERT INTO outbox (client_version, base_server_version, ops, byte_size, created_at) VALUES (?, ?, ?, ?, ?)""";

	private static final String INSERT_DOCUMENT_SQL = """
			INSERT OR IGNORE INTO outbox_documents (collection, id, client_version) VALUES (?, ?, ?)""";

	private static final String SELECT_ENTRIES_SQL = """
			SELECT client_version, base_server_version, ops, byte_size FROM outbox
			WHERE client_version > ? ORDER BY client_version LIMIT ?""";

	private static final String DELETE_ENTRIES_SQL = """
			DELETE FROM outbox WHERE client_version <= ?""";

	private static final String DELETE_DOCUMENTS_SQL = """
			DELETE FROM outbox_documents WHERE client_version <= ?""";

	private static final String SUM_BYTES_SQL = """
			SELECT COALESCE(SUM(byte_size), 0) FROM outbox WHERE client_version <= ?""";

	private static final String COUNT_ENTRIES_SQL = """
			SELECT COUNT(*) FROM outbox""";

	private static final String SELECT_PENDING_SQL = """
			SELECT 1 FROM outbox_documents WHERE collection = ? AND id = ? LIMIT 1""";

	private final MessageCodec codec;

	OutboxTable(MessageCodec codec) {
		this.codec = codec;
	}

	void insert(Connection connection, long clientVersion, long baseServerVersion, String ops, long byteSize,
			long createdAt, Set<DocumentKey> documents) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(INSERT_ENTRY_SQL)) {
			statement.setLong(1, clientVersion);
			statement.setLong(2, baseServerVersion);
			statement.setString(3, ops);
			statement.setLong(4, byteSize);
			statement.setLong(5, createdAt);
			statement.executeUpdate();
		}
		try (PreparedStatement statement = connection.prepareStatement(INSERT_DOCUMENT_SQL)) {
			for (DocumentKey key : documents) {
				statement.setString(1, key.collection());
				statement.setString(2, key.id());
				statement.setLong(3, clientVersion);
				statement.addBatch();
			}
			statement.executeBatch();
		}
	}

	/** Entries after {@code afterClientVersion}, in order, until about {@code maxBytes} (at least one). */
	List<OutboxEntry> read(Connection connection, long afterClientVersion, long maxBytes, int maxEntries)
			throws SQLException {
		List<OutboxEntry> entries = new ArrayList<>();
		long bytes = 0;
		try (PreparedStatement statement = connection.prepareStatement(SELECT_ENTRIES_SQL)) {
			statement.setLong(1, afterClientVersion);
			statement.setInt(2, maxEntries);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					long size = rows.getLong(4);
					if (!entries.isEmpty() && bytes + size > maxBytes) {
						break;
					}
					entries.add(new OutboxEntry(rows.getLong(1), rows.getLong(2), this.codec.decodeOperations(rows.getString(3)),
							size));
					bytes += size;
				}
			}
		}
		return entries;
	}

	void deleteUpTo(Connection connection, long clientVersion) throws SQLException {
		try (PreparedStatement entries = connection.prepareStatement(DELETE_ENTRIES_SQL);
				PreparedStatement documents = connection.prepareStatement(DELETE_DOCUMENTS_SQL)) {
			entries.setLong(1, clientVersion);
			entries.executeUpdate();
			documents.setLong(1, clientVersion);
			documents.executeUpdate();
		}
	}

	/** The bytes of the entries up to {@code clientVersion}. */
	long bytesUpTo(Connection connection, long clientVersion) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(SUM_BYTES_SQL)) {
			statement.setLong(1, clientVersion);
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return rows.getLong(1);
			}
		}
	}

	long count(Connection connection) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(COUNT_ENTRIES_SQL);
				ResultSet rows = statement.executeQuery()) {
			rows.next();
			return rows.getLong(1);
		}
	}

	boolean isPending(Connection connection, DocumentKey key) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(SELECT_PENDING_SQL)) {
			statement.setString(1, key.collection());
			statement.setString(2, key.id());
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next();
			}
		}
	}

}
