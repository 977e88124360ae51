package io.syncboot.client.internal.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.protocol.ProtocolException;

/**
 * The SQL of the {@code documents} table: the merge state and the visible body of every document
 * ever written, and the client version of its last local change ({@code pending_version}; the
 * document has unacknowledged local changes while it is above the upload acknowledgement). Used by
 * {@link SqliteStore} under its lock through its {@link StatementCache}; holds no state of its own.
 *
 * <p>A present document's {@code body} may be null: documents inserted from a bootstrap
 * ({@link #insertNew}) store their state only, and reads derive the visible fields from it. Any
 * later write of the row stores the body again. Throws {@link SQLException} when SQLite fails and
 * {@link StoreException} for a stored text that does not decode (a corrupt local file: a local
 * failure, never reported as the server's).
 */
final class DocumentTable {

	static final String CREATE_SQL = """
			CREATE TABLE IF NOT EXISTS documents (
			    collection      TEXT    NOT NULL,
			    id              TEXT    NOT NULL,
			    present         INTEGER NOT NULL,
			    local_stamps    INTEGER NOT NULL,
			    state           TEXT    NOT NULL,
			    body            TEXT,
			    pending_version INTEGER NOT NULL DEFAULT 0,
			    PRIMARY KEY (collection, id)
			) WITHOUT ROWID""";

	private static final String SELECT_STATE_SQL = """
			SELECT state FROM documents WHERE collection = ? AND id = ?""";

	private static final String UPSERT_REMOTE_SQL = """
			INSERT INTO documents (collection, id, present, local_stamps, state, body) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (collection, id) DO UPDATE SET present = excluded.present,
			    local_stamps = excluded.local_stamps, state = excluded.state, body = excluded.body""";

	private static final String UPSERT_LOCAL_SQL = """
			INSERT INTO documents (collection, id, present, local_stamps, state, body, pending_version)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (collection, id) DO UPDATE SET present = excluded.present,
			    local_stamps = excluded.local_stamps, state = excluded.state, body = excluded.body,
			    pending_version = excluded.pending_version""";

	private static final String INSERT_NEW_WITHOUT_BODY_SQL = """
			INSERT INTO documents (collection, id, present, local_stamps, state) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (collection, id) DO NOTHING""";

	/** The body, or (when null) the state to derive it from; and whether it is the state. */
	private static final String SELECT_BODY_SQL = """
			SELECT ifnull(body, state), body IS NULL FROM documents WHERE collection = ? AND id = ? AND present = 1""";

	private static final String SELECT_BODIES_SQL = """
			SELECT id, ifnull(body, state), body IS NULL FROM documents WHERE collection = ? AND present = 1
			ORDER BY id""";

	private static final String COUNT_SQL = """
			SELECT COUNT(*) FROM documents WHERE collection = ? AND present = 1""";

	private static final String SELECT_LOCAL_STAMPS_SQL = """
			SELECT state FROM documents WHERE local_stamps = 1""";

	private static final String UPDATE_STATE_SQL = """
			UPDATE documents SET local_stamps = ?, state = ? WHERE collection = ? AND id = ?""";

	private static final String SELECT_PENDING_VERSION_SQL = """
			SELECT pending_version FROM documents WHERE collection = ? AND id = ?""";

	private final MessageCodec codec;

	private final StatementCache statements;

	DocumentTable(MessageCodec codec, StatementCache statements) {
		this.codec = codec;
		this.statements = statements;
	}

	Optional<DocumentState> state(DocumentKey key) throws SQLException {
		PreparedStatement statement = this.statements.prepare(SELECT_STATE_SQL);
		statement.setString(1, key.collection());
		statement.setString(2, key.id());
		try (ResultSet rows = statement.executeQuery()) {
			return rows.next() ? Optional.of(decodeState(rows.getString(1))) : Optional.empty();
		}
	}

	/**
	 * The state of a document in {@code states}, read from the table (or a new empty state) and put
	 * there on first use, so that one transaction merges into one instance per document.
	 */
	DocumentState stateIn(Map<DocumentKey, DocumentState> states, DocumentKey key) throws SQLException {
		DocumentState state = states.get(key);
		if (state == null) {
			state = state(key).orElseGet(() -> new DocumentState(key));
			states.put(key, state);
		}
		return state;
	}

	/** Writes states merged from downloads, keeping each document's pending version. */
	void writeRemote(Iterable<DocumentState> states) throws SQLException {
		PreparedStatement statement = this.statements.prepare(UPSERT_REMOTE_SQL);
		int rows = 0;
		for (DocumentState state : states) {
			bindState(statement, state, Integer.MAX_VALUE);
			statement.addBatch();
			rows++;
		}
		if (rows > 0) {
			statement.executeBatch();
		}
	}

	/** Writes states changed by the local changeset {@code clientVersion}, which they are now pending on. */
	void writeLocal(List<DocumentState> states, long clientVersion) throws SQLException {
		writeLocal(states, clientVersion, Integer.MAX_VALUE);
	}

	/**
	 * Writes the states of a local change.
	 * @throws IllegalArgumentException if a state is larger than {@code maxStateBytes} (nothing of
	 * it is written; the caller rolls the transaction back)
	 */
	void writeLocal(List<DocumentState> states, long clientVersion, int maxStateBytes) throws SQLException {
		PreparedStatement statement = this.statements.prepare(UPSERT_LOCAL_SQL);
		if (states.size() == 1) {
			bindState(statement, states.get(0), maxStateBytes);
			statement.setLong(7, clientVersion);
			statement.executeUpdate();
			return;
		}
		for (DocumentState state : states) {
			bindState(statement, state, maxStateBytes);
			statement.setLong(7, clientVersion);
			statement.addBatch();
		}
		if (!states.isEmpty()) {
			statement.executeBatch();
		}
	}

	/**
	 * Inserts the states of documents the file has no row for, in one batch, without reading. Only
	 * the state is stored (reads derive the visible body from it), so a bootstrap writes each
	 * document's values once.
	 * @param encodedStates the encoded form of each state, in the same order
	 * @return per state, whether it was inserted ({@code false}: a row exists, nothing was written)
	 */
	boolean[] insertNew(List<DocumentState> states, List<String> encodedStates) throws SQLException {
		boolean[] inserted = new boolean[states.size()];
		if (states.isEmpty()) {
			return inserted;
		}
		PreparedStatement statement = this.statements.prepare(INSERT_NEW_WITHOUT_BODY_SQL);
		for (int i = 0; i < inserted.length; i++) {
			DocumentState state = states.get(i);
			statement.setString(1, state.key().collection());
			statement.setString(2, state.key().id());
			statement.setInt(3, state.isPresent() ? 1 : 0);
			statement.setInt(4, state.hasUnassignedStamps() ? 1 : 0);
			statement.setString(5, encodedStates.get(i));
			statement.addBatch();
		}
		int[] counts = statement.executeBatch();
		for (int i = 0; i < inserted.length; i++) {
			inserted[i] = counts[i] > 0;
		}
		return inserted;
	}

	private void bindState(PreparedStatement statement, DocumentState state, int maxStateBytes) throws SQLException {
		String encoded = this.codec.encodeDocumentState(state);
		if (encoded.length() > maxStateBytes / 3) { // fewer chars than a third of the limit fit in any case
			long bytes = MessageCodec.utf8Length(encoded);
			if (bytes > maxStateBytes) {
				throw new IllegalArgumentException("document " + state.key().collection() + "/" + state.key().id()
						+ " would be " + bytes + " bytes stored, more than the limit of " + maxStateBytes
						+ " bytes (a document must fit in one message): keep large values in more documents");
			}
		}
		statement.setString(1, state.key().collection());
		statement.setString(2, state.key().id());
		statement.setInt(3, state.isPresent() ? 1 : 0);
		statement.setInt(4, state.hasUnassignedStamps() ? 1 : 0);
		statement.setString(5, encoded);
		statement.setString(6, this.codec.encodeVisibleFields(state));
	}

	/** The client version of the last local change of a document, 0 if none or unknown. */
	long pendingVersion(DocumentKey key) throws SQLException {
		PreparedStatement statement = this.statements.prepare(SELECT_PENDING_VERSION_SQL);
		statement.setString(1, key.collection());
		statement.setString(2, key.id());
		try (ResultSet rows = statement.executeQuery()) {
			return rows.next() ? rows.getLong(1) : 0;
		}
	}

	Optional<Map<String, Object>> body(DocumentKey key) throws SQLException {
		PreparedStatement statement = this.statements.prepare(SELECT_BODY_SQL);
		statement.setString(1, key.collection());
		statement.setString(2, key.id());
		try (ResultSet rows = statement.executeQuery()) {
			return rows.next() ? Optional.of(visibleFields(rows.getString(1), rows.getBoolean(2))) : Optional.empty();
		}
	}

	/**
	 * A stored merge state, decoded.
	 * @throws StoreException if it does not decode: the local file is corrupt (not the server's doing)
	 */
	private DocumentState decodeState(String stored) {
		try {
			return this.codec.decodeDocumentState(stored);
		}
		catch (ProtocolException ex) {
			throw StoreException.corrupt("document state", ex);
		}
	}

	/** A stored body, decoded; throws {@link StoreException} as {@link #decodeState} does. */
	private Map<String, Object> decodeBody(String stored) {
		try {
			return this.codec.decodeFields(stored);
		}
		catch (ProtocolException ex) {
			throw StoreException.corrupt("document body", ex);
		}
	}

	/**
	 * The visible fields of a present document from its stored body, or from its state when it has
	 * no body ({@code fromState}).
	 */
	Map<String, Object> visibleFields(String bodyOrState, boolean fromState) {
		return fromState ? decodeState(bodyOrState).visibleFields()
				: decodeBody(bodyOrState);
	}

	/** Every present document of a collection as (id, fields), ordered by id. */
	List<Map.Entry<String, Map<String, Object>>> bodies(String collection) throws SQLException {
		List<Map.Entry<String, Map<String, Object>>> result = new ArrayList<>();
		PreparedStatement statement = this.statements.prepare(SELECT_BODIES_SQL);
		statement.setString(1, collection);
		try (ResultSet rows = statement.executeQuery()) {
			while (rows.next()) {
				result.add(Map.entry(rows.getString(1), visibleFields(rows.getString(2), rows.getBoolean(3))));
			}
		}
		return result;
	}

	long count(String collection) throws SQLException {
		PreparedStatement statement = this.statements.prepare(COUNT_SQL);
		statement.setString(1, collection);
		try (ResultSet rows = statement.executeQuery()) {
			rows.next();
			return rows.getLong(1);
		}
	}

	/** Every state that still holds a stamp with file id 0. */
	List<DocumentState> statesWithUnassignedStamps() throws SQLException {
		List<DocumentState> result = new ArrayList<>();
		try (ResultSet rows = this.statements.prepare(SELECT_LOCAL_STAMPS_SQL).executeQuery()) {
			while (rows.next()) {
				result.add(decodeState(rows.getString(1)));
			}
		}
		return result;
	}

	/**
	 * Rewrites the merge state of existing documents whose stamps changed but whose visible body did
	 * not (the file id was assigned), in one batch; the body and pending version stay as they are.
	 */
	void rewriteStates(List<DocumentState> states) throws SQLException {
		if (states.isEmpty()) {
			return;
		}
		PreparedStatement statement = this.statements.prepare(UPDATE_STATE_SQL);
		for (DocumentState state : states) {
			statement.setInt(1, state.hasUnassignedStamps() ? 1 : 0);
			statement.setString(2, this.codec.encodeDocumentState(state));
			statement.setString(3, state.key().collection());
			statement.setString(4, state.key().id());
			statement.addBatch();
		}
		statement.executeBatch();
	}

}
