package io.syncboot.client.internal.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.model.Operation;
import io.syncboot.core.protocol.ProtocolException;

/**
 * The SQL of the {@code outbox}: the unacknowledged local changesets, one row each, with the
 * clock value after the changeset ({@code last_hlc}) so that the metadata a local commit does not
 * write can be recovered at open. Used by {@link SqliteStore} under its lock through its
 * {@link StatementCache}; holds no state of its own.
 */
final class OutboxTable {

	static final String CREATE_SQL = """
			CREATE TABLE IF NOT EXISTS outbox (
			    client_version      INTEGER PRIMARY KEY,
			    base_server_version INTEGER NOT NULL,
			    ops                 TEXT    NOT NULL,
			    byte_size           INTEGER NOT NULL,
			    created_at          INTEGER NOT NULL,
			    last_hlc            INTEGER NOT NULL DEFAULT 0
			)""";

	private static final String INSERT_ENTRY_SQL = """
			INSERT INTO outbox (client_version, base_server_version, ops, byte_size, created_at, last_hlc)
			VALUES (?, ?, ?, ?, ?, ?)""";

	private static final String SELECT_ENTRIES_SQL = """
			SELECT client_version, base_server_version, ops, byte_size FROM outbox
			WHERE client_version > ? ORDER BY client_version LIMIT ?""";

	private static final String DELETE_ENTRIES_SQL = """
			DELETE FROM outbox WHERE client_version <= ?""";

	private static final String SUM_BYTES_SQL = """
			SELECT COALESCE(SUM(byte_size), 0) FROM outbox WHERE client_version <= ?""";

	private static final String COUNT_ENTRIES_SQL = """
			SELECT COUNT(*) FROM outbox""";

	private final MessageCodec codec;

	private final StatementCache statements;

	OutboxTable(MessageCodec codec, StatementCache statements) {
		this.codec = codec;
		this.statements = statements;
	}

	void insert(long clientVersion, long baseServerVersion, String ops, long byteSize, long createdAt, long lastHlc)
			throws SQLException {
		PreparedStatement statement = this.statements.prepare(INSERT_ENTRY_SQL);
		statement.setLong(1, clientVersion);
		statement.setLong(2, baseServerVersion);
		statement.setString(3, ops);
		statement.setLong(4, byteSize);
		statement.setLong(5, createdAt);
		statement.setLong(6, lastHlc);
		statement.executeUpdate();
	}

	/** Entries after {@code afterClientVersion}, in order, until about {@code maxBytes} (at least one). */
	List<OutboxEntry> read(long afterClientVersion, long maxBytes, int maxEntries) throws SQLException {
		List<OutboxEntry> entries = new ArrayList<>();
		long bytes = 0;
		PreparedStatement statement = this.statements.prepare(SELECT_ENTRIES_SQL);
		statement.setLong(1, afterClientVersion);
		statement.setInt(2, maxEntries);
		try (ResultSet rows = statement.executeQuery()) {
			while (rows.next()) {
				long size = rows.getLong(4);
				if (!entries.isEmpty() && bytes + size > maxBytes) {
					break;
				}
				entries.add(new OutboxEntry(rows.getLong(1), rows.getLong(2), decodeOperations(rows.getString(3)), size));
				bytes += size;
			}
		}
		return entries;
	}

	/**
	 * A stored changeset's operations, decoded.
	 * @throws StoreException if they do not decode: the local file is corrupt (not the server's doing)
	 */
	private List<Operation> decodeOperations(String stored) {
		try {
			return this.codec.decodeOperations(stored);
		}
		catch (ProtocolException ex) {
			throw StoreException.corrupt("outbox entry", ex);
		}
	}

	void deleteUpTo(long clientVersion) throws SQLException {
		PreparedStatement statement = this.statements.prepare(DELETE_ENTRIES_SQL);
		statement.setLong(1, clientVersion);
		statement.executeUpdate();
	}

	/** The bytes of the entries up to {@code clientVersion}. */
	long bytesUpTo(long clientVersion) throws SQLException {
		PreparedStatement statement = this.statements.prepare(SUM_BYTES_SQL);
		statement.setLong(1, clientVersion);
		try (ResultSet rows = statement.executeQuery()) {
			rows.next();
			return rows.getLong(1);
		}
	}

	long count() throws SQLException {
		try (ResultSet rows = this.statements.prepare(COUNT_ENTRIES_SQL).executeQuery()) {
			rows.next();
			return rows.getLong(1);
		}
	}

}
