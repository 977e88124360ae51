package io.syncboot.client.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.merge.FieldRegister;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.Stamp;

/**
 * The SQL of the {@code documents} table: the merge state and the visible body of every document
 * ever written. Used by {@link SqliteStore} under its lock; holds no state of its own.
 */
final class DocumentTable {

	static final String CREATE_SQL = """
			CREATE TABLE IF NOT EXISTS documents (
			    collection   TEXT    NOT NULL,
			    id           TEXT    NOT NULL,
			    present      INTEGER NOT NULL,
			    local_stamps INTEGER NOT NULL,
			    state        TEXT    NOT NULL,
			    body         TEXT,
			    PRIMARY KEY (collection, id)
			) WITHOUT ROWID""";

	private static final String SELECT_STATE_SQL = """
			SELECT state FROM documents WHERE collection = ? AND id = ?""";

	private static final String UPSERT_DOCUMENT_SQL = """
			INSERT INTO documents (collection, id, present, local_stamps, state, body) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (collection, id) DO UPDATE SET present = excluded.present,
			    local_stamps = excluded.local_stamps, state = excluded.state, body = excluded.body""";

	private static final String SELECT_BODY_SQL = """
			SELECT body FROM documents WHERE collection = ? AND id = ? AND present = 1""";

	private static final String SELECT_BODIES_SQL = """
			SELECT id, body FROM documents WHERE collection = ? AND present = 1 ORDER BY id""";

	private static final String COUNT_SQL = """
			SELECT COUNT(*) FROM documents WHERE collection = ? AND present = 1""";

	private static final String SELECT_LOCAL_STAMPS_SQL = """
			SELECT state FROM documents WHERE local_stamps = 1""";

	private final MessageCodec codec;

	DocumentTable(MessageCodec codec) {
		this.codec = codec;
	}

	Optional<DocumentState> state(Connection connection, DocumentKey key) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(SELECT_STATE_SQL)) {
			statement.setString(1, key.collection());
			statement.setString(2, key.id());
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next() ? Optional.of(this.codec.decodeDocumentState(rows.getString(1))) : Optional.empty();
			}
		}
	}

	void write(Connection connection, Iterable<DocumentState> states) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(UPSERT_DOCUMENT_SQL)) {
			for (DocumentState state : states) {
				statement.setString(1, state.key().collection());
				statement.setString(2, state.key().id());
				statement.setInt(3, state.isPresent() ? 1 : 0);
				statement.setInt(4, hasUnassignedStamps(state) ? 1 : 0);
				statement.setString(5, this.codec.encodeDocumentState(state));
				statement.setString(6, state.isPresent() ? this.codec.encodeFields(state.visibleFields()) : null);
				statement.addBatch();
			}
			statement.executeBatch();
		}
	}

	Optional<Map<String, Object>> body(Connection connection, DocumentKey key) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(SELECT_BODY_SQL)) {
			statement.setString(1, key.collection());
			statement.setString(2, key.id());
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next() ? Optional.of(this.codec.decodeFields(rows.getString(1))) : Optional.empty();
			}
		}
	}

	/** Every present document of a collection as (id, fields), ordered by id. */
	List<Map.Entry<String, Map<String, Object>>> bodies(Connection connection, String collection) throws SQLException {
		List<Map.Entry<String, Map<String, Object>>> result = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement(SELECT_BODIES_SQL)) {
			statement.setString(1, collection);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					result.add(Map.entry(rows.getString(1), this.codec.decodeFields(rows.getString(2))));
				}
			}
		}
		return result;
	}

	long count(Connection connection, String collection) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(COUNT_SQL)) {
			statement.setString(1, collection);
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return rows.getLong(1);
			}
		}
	}

	/** Every state that still holds a stamp with file id 0. */
	List<DocumentState> statesWithUnassignedStamps(Connection connection) throws SQLException {
		List<DocumentState> result = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement(SELECT_LOCAL_STAMPS_SQL);
				ResultSet rows = statement.executeQuery()) {
			while (rows.next()) {
				result.add(this.codec.decodeDocumentState(rows.getString(1)));
			}
		}
		return result;
	}

	static boolean hasUnassignedStamps(DocumentState state) {
		if (isUnassigned(state.existence()) || isUnassigned(state.replaced())) {
			return true;
		}
		for (FieldRegister register : state.registers().values()) {
			if (isUnassigned(register.stamp())) {
				return true;
			}
		}
		return false;
	}

	private static boolean isUnassigned(Stamp stamp) {
		return stamp.fileId() == 0 && stamp.timestamp() != 0;
	}

}
