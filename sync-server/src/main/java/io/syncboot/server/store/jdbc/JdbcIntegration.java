package io.syncboot.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.protocol.SyncProtocol;
import io.syncboot.server.store.CompensationPlanner;
import io.syncboot.server.store.DivergedUploadException;
import io.syncboot.server.store.IntegrationResult;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The write side of {@link JdbcHistoryStore}: the body of one integration transaction. Runs inside a
 * transaction the store opened, on the store's single writer; its statements run through the
 * store's {@link WriterStatements} (kept compiled between transactions on the embedded store).
 */
final class JdbcIntegration {

	private static final String SELECT_FILE_FOR_INTEGRATION_SQL = """
			SELECT f.partition_id, f.last_client_version, p.name, p.latest_version
			FROM syncboot_client_file f JOIN syncboot_partition p ON p.id = f.partition_id
			WHERE f.id = ?
			%s
			""";

	private static final String SELECT_INTEGRATED_OPS_SQL = """
			SELECT ops FROM syncboot_history WHERE origin_file_id = ? AND client_version = ?
			""";

	private static final String INSERT_HISTORY_SQL = """
			INSERT INTO syncboot_history (partition_id, server_version, origin_file_id, client_version, size_bytes, ops,
			                              committed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			""";

	private static final String SELECT_DOCUMENT_SQL = """
			SELECT state, size_bytes FROM syncboot_document WHERE partition_id = ? AND collection = ? AND doc_id = ?
			""";

	private static final String SELECT_DOCUMENTS_SQL = "SELECT doc_id, state, size_bytes FROM syncboot_document"
			+ " WHERE partition_id = ? AND collection = ? AND doc_id IN (";

	/** Keys read per query when an integration loads the documents it touches. */
	static final int LOAD_CHUNK = 500;

	private static final String UPSERT_DOCUMENT_SQL = """
			INSERT INTO syncboot_document (partition_id, collection, doc_id, state, size_bytes, last_version)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (partition_id, collection, doc_id)
			DO UPDATE SET state = excluded.state, size_bytes = excluded.size_bytes, last_version = excluded.last_version
			""";

	private static final String UPDATE_PARTITION_VERSION_SQL = """
			UPDATE syncboot_partition SET latest_version = ?, snapshot_bytes = snapshot_bytes + ? WHERE id = ?
			""";

	private static final String UPDATE_FILE_VERSION_SQL = """
			UPDATE syncboot_client_file SET last_client_version = ? WHERE id = ?
			""";

	private static final String SELECT_SERVER_FILE_SQL = """
			SELECT f.id, f.last_client_version
			FROM syncboot_partition p JOIN syncboot_client_file f ON f.id = p.server_file_id
			WHERE p.id = ?
			""";

	private static final String INSERT_SERVER_FILE_SQL = """
			INSERT INTO syncboot_client_file (partition_id, salt, last_client_version, created_at)
			VALUES (?, ?, 0, ?) RETURNING id
			""";

	private static final String UPDATE_SERVER_FILE_SQL = """
			UPDATE syncboot_partition SET server_file_id = ? WHERE id = ?
			""";

	private final JdbcTemplate jdbc;

	private final WriterStatements statements;

	private final MessageCodec codec;

	private final String selectFileSql;

	private final boolean announces;

	private final List<String> announcements = new ArrayList<>(); // of the open transaction, under the write lock

	JdbcIntegration(JdbcTemplate jdbc, WriterStatements statements, MessageCodec codec, JdbcDialect dialect) {
		this.jdbc = jdbc;
		this.statements = statements;
		this.codec = codec;
		this.selectFileSql = SELECT_FILE_FOR_INTEGRATION_SQL.formatted(dialect.integrationLockClause());
		this.announces = dialect.commitNotificationSql() != null;
	}

	/**
	 * Records that the open transaction moves the partition to {@code latestVersion}: the store
	 * announces it to the other nodes once the transaction has committed (see
	 * {@link #takeAnnouncements()}), never from inside it. Nothing is recorded where the dialect
	 * announces nothing.
	 */
	private void announce(String partition, long latestVersion) {
		if (this.announces) {
			this.announcements.add(latestVersion + ":" + partition);
		}
	}

	/**
	 * The payloads ({@code <latestVersion>:<partition>}) recorded by the transaction that just ended,
	 * in the order of its integrations; clears them. The store calls it under its write lock after
	 * every write transaction, committed or rolled back (then it discards them).
	 */
	List<String> takeAnnouncements() {
		if (this.announcements.isEmpty()) {
			return List.of();
		}
		List<String> taken = List.copyOf(this.announcements);
		this.announcements.clear();
		return taken;
	}

	private record FileRow(long partitionId, long lastClientVersion, String partition, long latestVersion) {
	}

	private FileRow lockFile(String partition, long fileId, List<Changeset> changesets) {
		long previous = 0;
		for (Changeset changeset : changesets) {
			if (changeset.clientVersion() <= previous) {
				throw new IllegalArgumentException("client versions must increase, " + changeset.clientVersion()
						+ " follows " + previous);
			}
			previous = changeset.clientVersion();
		}
		List<FileRow> rows = this.statements.query(this.selectFileSql, statement -> statement.setLong(1, fileId),
				rs -> new FileRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4)));
		if (rows.isEmpty()) {
			throw new IllegalArgumentException("unknown client file " + fileId);
		}
		FileRow file = rows.get(0);
		if (!file.partition().equals(partition)) {
			throw new IllegalArgumentException("client file " + fileId + " belongs to partition '" + file.partition()
					+ "', not '" + partition + "'");
		}
		return file;
	}

	/**
	 * Thrown on the fast path when a changed state would exceed
	 * {@link SyncProtocol#MAX_DOCUMENT_STATE_BYTES}: it rolls the transaction back, and the store
	 * redoes the work in careful mode. Carries no stack trace.
	 */
	static final class OversizedDocument extends RuntimeException {

		private static final long serialVersionUID = 1L;

		OversizedDocument(DocumentKey key, long size) {
			super("document " + key.collection() + "/" + key.id() + " would be " + size + " bytes", null, false, false);
		}

	}

	/**
	 * Integrates an upload: one batched insert of its history rows, one read of every document it
	 * touches (in chunks of {@value #LOAD_CHUNK} keys), one batched upsert of the changed states.
	 * A changeset that would grow a document past {@link SyncProtocol#MAX_DOCUMENT_STATE_BYTES} is
	 * only found when the states are encoded for the upsert: then, unless {@code careful},
	 * {@link OversizedDocument} is thrown (the caller rolls the transaction back and calls again with
	 * {@code careful}). In careful mode each changeset's touched states are copied before it is
	 * applied and measured after; one that grows a state past the limit is restored from the copies,
	 * acknowledged, left out of the history and compensated by {@code oversized}'s operations,
	 * integrated at once as a changeset of the partition's server file (allocated with a salt from
	 * {@code salts} on first use).
	 */
	IntegrationResult integrate(String partition, long fileId, List<Changeset> changesets,
			CompensationPlanner oversized, LongSupplier salts, boolean careful) {
		FileRow file = lockFile(partition, fileId, changesets);
		long ack = file.lastClientVersion();
		List<Changeset> pending = new ArrayList<>(changesets.size());
		long verified = 0; // every re-sent changeset up to it was found in the history as sent
		boolean unchecked = false;
		for (Changeset changeset : changesets) {
			if (changeset.clientVersion() > ack) {
				pending.add(changeset);
			}
			else if (requireIntegratedAsSent(fileId, changeset, verified) && !unchecked) {
				verified = changeset.clientVersion();
			}
			else {
				unchecked = true;
			}
		}
		int skipped = changesets.size() - pending.size();
		if (pending.isEmpty()) {
			return new IntegrationResult(List.of(), skipped, file.latestVersion(), lastOf(changesets), 0);
		}
		long now = System.currentTimeMillis();
		long version = file.latestVersion();
		Map<DocumentKey, Long> storedSizes = new HashMap<>();
		Map<DocumentKey, DocumentState> states = loadAll(file.partitionId(), pending, storedSizes);
		Map<DocumentKey, Long> changed = new LinkedHashMap<>();
		List<ServerChangeset> integrated = new ArrayList<>(pending.size());
		List<Long> sizes = new ArrayList<>(pending.size());
		List<HistoryRow> history = new ArrayList<>(pending.size());
		List<Changeset> rejected = new ArrayList<>();
		long @Nullable [] serverFile = null; // careful mode, once a compensation is integrated: {id, last client version}
		for (Changeset changeset : pending) {
			ack = changeset.clientVersion();
			@Nullable Set<DocumentKey> changedCarefully = Set.of();
			if (careful) {
				Map<DocumentKey, DocumentState> before = new LinkedHashMap<>();
				changedCarefully = applyCarefully(changeset, fileId, states, before);
				if (changedCarefully == null) {
					rejected.add(changeset);
					Map<DocumentKey, DocumentState> current = new LinkedHashMap<>();
					before.forEach((key, state) -> current.put(key, state.copy()));
					List<Operation> compensation = oversized.plan(List.of(changeset),
							Collections.unmodifiableMap(current));
					if (!compensation.isEmpty()) {
						if (serverFile == null) {
							serverFile = serverFile(file.partitionId(), salts);
						}
						long serverFileId = serverFile[0];
						for (Run run : downloadableRuns(compensation)) {
							long clientVersion = ++serverFile[1];
							version++;
							history.add(new HistoryRow(file.partitionId(), version, serverFileId, clientVersion,
									run.size(), run.encoded(), now));
							applyCompensation(file.partitionId(), run, serverFileId, version, states, storedSizes, changed);
							integrated.add(new ServerChangeset(version, serverFileId, clientVersion, run.operations()));
							sizes.add(run.size());
						}
					}
					continue;
				}
			}
			version++;
			String ops = this.codec.encodeOperations(changeset.operations());
			long size = MessageCodec.utf8Length(ops);
			history.add(new HistoryRow(file.partitionId(), version, fileId, changeset.clientVersion(), size, ops, now));
			if (careful) {
				for (DocumentKey key : changedCarefully) {
					changed.put(key, version);
				}
			}
			else {
				for (Operation operation : changeset.operations()) {
					DocumentKey key = new DocumentKey(operation.collection(), operation.id());
					if (states.get(key).apply(operation, fileId)) {
						changed.put(key, version);
					}
				}
			}
			integrated.add(new ServerChangeset(version, fileId, changeset.clientVersion(), changeset.operations()));
			sizes.add(size);
		}
		batch(INSERT_HISTORY_SQL, history, (statement, row) -> {
			statement.setLong(1, row.partitionId());
			statement.setLong(2, row.serverVersion());
			statement.setLong(3, row.originFileId());
			statement.setLong(4, row.clientVersion());
			statement.setLong(5, row.sizeBytes());
			statement.setString(6, row.ops());
			statement.setLong(7, row.committedAt());
		});
		long grown = upsert(file.partitionId(), states, changed, storedSizes, !careful);
		updateVersions(file.partitionId(), version, grown, fileId, ack);
		if (serverFile != null) {
			long[] server = serverFile;
			this.statements.update(UPDATE_FILE_VERSION_SQL, statement -> {
				statement.setLong(1, server[1]);
				statement.setLong(2, server[0]);
			});
		}
		announce(partition, version);
		return new IntegrationResult(integrated, skipped, version, ack, sizes, integrated.isEmpty() ? 0 : now,
				rejected);
	}

	/**
	 * Checks a changeset sent again (its client version is at or below the file's last integrated
	 * one, so it is skipped) against the history row integrated for that client version: a re-send
	 * after a lost acknowledgement carries the same operations. Other operations mean that two copies
	 * of one client file each wrote that client version (a local file copied to a second device, or
	 * restored from an older copy while the original synced on): skipping and acknowledging it would
	 * drop that copy's write, so the session gets {@code DIVERGING_HISTORIES}, a client reset that
	 * recovers the copy's unsynced writes under a new file id. Operations are compared decoded, not as
	 * text (how a number is written may differ between the JDKs of the nodes). Without a row (a
	 * changeset rejected for a document's size has none; compaction removes old ones) there is nothing
	 * to compare with, and the changeset is skipped.
	 * @param verified the client version up to which the upload's re-sent changesets before this one
	 * were found as sent, 0 if none
	 * @return whether it was compared (false: no row)
	 * @throws DivergedUploadException for a changeset the history disagrees with
	 */
	private boolean requireIntegratedAsSent(long fileId, Changeset changeset, long verified) {
		List<String> integrated = this.statements.query(SELECT_INTEGRATED_OPS_SQL, statement -> {
			statement.setLong(1, fileId);
			statement.setLong(2, changeset.clientVersion());
		}, rs -> rs.getString(1));
		if (!integrated.isEmpty() && !this.codec.decodeOperations(integrated.get(0)).equals(changeset.operations())) {
			throw new DivergedUploadException("client version " + changeset.clientVersion() + " of client file "
					+ fileId + " was integrated with other operations: two copies of this local file wrote it (copied "
					+ "to another device or restored from an older copy); reset it, recovering its unsynced changes "
					+ "under a new file id", verified);
		}
		return !integrated.isEmpty();
	}

	/** The greatest client version of an upload (the last), 0 for none. */
	private static long lastOf(List<Changeset> changesets) {
		return changesets.isEmpty() ? 0 : changesets.get(changesets.size() - 1).clientVersion();
	}

	/**
	 * Applies a changeset to {@code states} (careful mode), copying each state it touches into
	 * {@code before} first; returns the keys whose state changed. If that grows a state past
	 * {@link SyncProtocol#MAX_DOCUMENT_STATE_BYTES} (and past its size before), puts the copies back
	 * into {@code states} instead and returns null: {@code before} then holds the states as they are.
	 */
	private @Nullable Set<DocumentKey> applyCarefully(Changeset changeset, long fileId,
			Map<DocumentKey, DocumentState> states, Map<DocumentKey, DocumentState> before) {
		Set<DocumentKey> changedHere = new LinkedHashSet<>();
		for (Operation operation : changeset.operations()) {
			DocumentKey key = new DocumentKey(operation.collection(), operation.id());
			DocumentState state = states.get(key);
			before.computeIfAbsent(key, k -> state.copy());
			if (state.apply(operation, fileId)) {
				changedHere.add(key);
			}
		}
		for (DocumentKey key : changedHere) {
			long size = encodedSize(states.get(key));
			if (size > SyncProtocol.MAX_DOCUMENT_STATE_BYTES && size > encodedSize(before.get(key))) {
				states.putAll(before);
				return null;
			}
		}
		return changedHere;
	}

	private long encodedSize(DocumentState state) {
		return MessageCodec.utf8Length(this.codec.encodeDocumentState(state));
	}

	/**
	 * Moves the partition's latest version and its snapshot size (by {@code snapshotGrowth} bytes),
	 * and the file's last integrated client version.
	 */
	private void updateVersions(long partitionId, long latestVersion, long snapshotGrowth, long fileId,
			long lastClientVersion) {
		this.statements.update(UPDATE_PARTITION_VERSION_SQL, statement -> {
			statement.setLong(1, latestVersion);
			statement.setLong(2, snapshotGrowth);
			statement.setLong(3, partitionId);
		});
		this.statements.update(UPDATE_FILE_VERSION_SQL, statement -> {
			statement.setLong(1, lastClientVersion);
			statement.setLong(2, fileId);
		});
	}

	/**
	 * The current state of every document the changesets touch (a new, absent state for those the
	 * partition does not have), read with one query per collection and chunk of keys; puts the
	 * stored size of each stored one in {@code storedSizes}.
	 */
	private Map<DocumentKey, DocumentState> loadAll(long partitionId, List<Changeset> changesets,
			Map<DocumentKey, Long> storedSizes) {
		Map<String, Set<String>> idsByCollection = new LinkedHashMap<>();
		for (Changeset changeset : changesets) {
			for (Operation operation : changeset.operations()) {
				idsByCollection.computeIfAbsent(operation.collection(), c -> new LinkedHashSet<>()).add(operation.id());
			}
		}
		Map<DocumentKey, DocumentState> states = new HashMap<>();
		for (Map.Entry<String, Set<String>> entry : idsByCollection.entrySet()) {
			String collection = entry.getKey();
			List<String> ids = new ArrayList<>(entry.getValue());
			for (int from = 0; from < ids.size(); from += LOAD_CHUNK) {
				List<String> chunk = ids.subList(from, Math.min(ids.size(), from + LOAD_CHUNK));
				String sql = SELECT_DOCUMENTS_SQL + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")";
				this.statements.query(sql, statement -> {
					statement.setLong(1, partitionId);
					statement.setString(2, collection);
					for (int i = 0; i < chunk.size(); i++) {
						statement.setString(i + 3, chunk.get(i));
					}
				}, rs -> {
					DocumentState state = this.codec.decodeDocumentState(rs.getString(2));
					DocumentKey key = new DocumentKey(collection, rs.getString(1));
					states.put(key, state);
					storedSizes.put(key, rs.getLong(3));
					return state;
				});
			}
			for (String id : ids) {
				DocumentKey key = new DocumentKey(collection, id);
				if (!states.containsKey(key)) {
					states.put(key, new DocumentState(key));
				}
			}
		}
		return states;
	}

	/**
	 * Writes the changed states, each encoded once; returns by how many bytes their sizes exceed the
	 * stored ones ({@code storedSizes}: none stored counts as 0). If {@code refuseOversized}, throws
	 * {@link OversizedDocument} before writing anything when a state would be larger than
	 * {@link SyncProtocol#MAX_DOCUMENT_STATE_BYTES} and than its stored size.
	 */
	private long upsert(long partitionId, Map<DocumentKey, DocumentState> states, Map<DocumentKey, Long> changed,
			Map<DocumentKey, Long> storedSizes, boolean refuseOversized) {
		List<EncodedState> rows = new ArrayList<>(changed.size());
		long growth = 0;
		for (Map.Entry<DocumentKey, Long> entry : changed.entrySet()) {
			DocumentKey key = entry.getKey();
			String state = this.codec.encodeDocumentState(states.get(key));
			long size = MessageCodec.utf8Length(state);
			long stored = storedSizes.getOrDefault(key, 0L);
			if (refuseOversized && size > SyncProtocol.MAX_DOCUMENT_STATE_BYTES && size > stored) {
				throw new OversizedDocument(key, size);
			}
			growth += size - stored;
			rows.add(new EncodedState(key, state, size, entry.getValue()));
		}
		batch(UPSERT_DOCUMENT_SQL, rows, (statement, row) -> {
			statement.setLong(1, partitionId);
			statement.setString(2, row.key().collection());
			statement.setString(3, row.key().id());
			statement.setString(4, row.state());
			statement.setLong(5, row.size());
			statement.setLong(6, row.lastVersion());
		});
		return growth;
	}

	/** A changed document state, encoded for the upsert. */
	private record EncodedState(DocumentKey key, String state, long size, long lastVersion) {
	}

	/** A history row of an integrated changeset. */
	private record HistoryRow(long partitionId, long serverVersion, long originFileId, long clientVersion,
			long sizeBytes, String ops, long committedAt) {
	}

	/** Binds one row of a batch to its statement's parameters. */
	@FunctionalInterface
	private interface RowBinder<T> {

		void bind(PreparedStatement statement, T row) throws SQLException;

	}

	/**
	 * Runs {@code sql} once per row as one JDBC batch on the transaction's connection, binding each
	 * value with its typed setter (no per-value type inspection). Nothing is run for no rows.
	 */
	private <T> void batch(String sql, List<T> rows, RowBinder<T> binder) {
		if (rows.isEmpty()) {
			return;
		}
		this.statements.execute(sql, statement -> {
			for (T row : rows) {
				binder.bind(statement, row);
				statement.addBatch();
			}
			return statement.executeBatch().length;
		});
	}

	/**
	 * Acknowledges the changesets without integrating them and integrates the planner's compensating
	 * operations as one changeset of the partition's server file (see {@code HistoryStore.reject}).
	 */
	IntegrationResult reject(String partition, long fileId, List<Changeset> changesets, CompensationPlanner planner,
			LongSupplier salts) {
		FileRow file = lockFile(partition, fileId, changesets);
		List<Changeset> pending = changesets.stream()
			.filter(changeset -> changeset.clientVersion() > file.lastClientVersion())
			.toList();
		if (pending.isEmpty()) {
			return new IntegrationResult(List.of(), changesets.size(), file.latestVersion(), lastOf(changesets), 0);
		}
		Map<DocumentKey, DocumentState> states = new LinkedHashMap<>();
		Map<DocumentKey, Long> storedSizes = new HashMap<>();
		for (Changeset changeset : pending) {
			for (Operation operation : changeset.operations()) {
				states.computeIfAbsent(new DocumentKey(operation.collection(), operation.id()),
						key -> load(file.partitionId(), key, storedSizes));
			}
		}
		Map<DocumentKey, DocumentState> copies = new LinkedHashMap<>();
		states.forEach((key, state) -> copies.put(key, state.copy()));
		List<Operation> compensation = planner.plan(pending, Collections.unmodifiableMap(copies));
		long version = file.latestVersion();
		List<ServerChangeset> integrated = new ArrayList<>();
		List<Long> sizes = new ArrayList<>();
		long committedAt = 0;
		if (!compensation.isEmpty()) {
			long[] serverFile = serverFile(file.partitionId(), salts);
			long serverFileId = serverFile[0];
			long clientVersion = serverFile[1];
			committedAt = System.currentTimeMillis();
			Map<DocumentKey, Long> changed = new LinkedHashMap<>();
			for (Run run : downloadableRuns(compensation)) {
				clientVersion++;
				version++;
				this.jdbc.update(INSERT_HISTORY_SQL, file.partitionId(), version, serverFileId, clientVersion,
						run.size(), run.encoded(), committedAt);
				applyCompensation(file.partitionId(), run, serverFileId, version, states, storedSizes, changed);
				integrated.add(new ServerChangeset(version, serverFileId, clientVersion, run.operations()));
				sizes.add(run.size());
			}
			long grown = upsert(file.partitionId(), states, changed, storedSizes, false);
			updateVersions(file.partitionId(), version, grown, serverFileId, clientVersion);
			announce(partition, version);
		}
		long ack = pending.get(pending.size() - 1).clientVersion();
		this.statements.update(UPDATE_FILE_VERSION_SQL, statement -> {
			statement.setLong(1, ack);
			statement.setLong(2, fileId);
		});
		return new IntegrationResult(integrated, changesets.size() - pending.size(), version, ack, sizes,
				committedAt, pending);
	}

	/** Operations of one server changeset, encoded as stored. */
	private record Run(List<Operation> operations, String encoded, long size) {
	}

	/**
	 * A compensation's operations as server changesets that a download can carry
	 * ({@link SyncProtocol#MAX_DOCUMENT_STATE_BYTES} each): one, unless it is larger (reverting
	 * writes to several large documents puts each of them again); then runs in order, one document's
	 * operations never split.
	 */
	private List<Run> downloadableRuns(List<Operation> operations) {
		String all = this.codec.encodeOperations(operations);
		long allSize = MessageCodec.utf8Length(all);
		if (allSize <= SyncProtocol.MAX_DOCUMENT_STATE_BYTES) {
			return List.of(new Run(operations, all, allSize));
		}
		List<Run> runs = new ArrayList<>();
		List<Operation> run = new ArrayList<>();
		long runSize = 2; // the brackets
		int start = 0;
		while (start < operations.size()) {
			DocumentKey key = keyOf(operations.get(start));
			int end = start;
			long documentSize = 0;
			while (end < operations.size() && keyOf(operations.get(end)).equals(key)) {
				documentSize += MessageCodec.utf8Length(this.codec.encodeOperations(List.of(operations.get(end)))) - 1;
				end++;
			}
			if (!run.isEmpty() && runSize + documentSize > SyncProtocol.MAX_DOCUMENT_STATE_BYTES) {
				runs.add(encoded(run));
				run = new ArrayList<>();
				runSize = 2;
			}
			run.addAll(operations.subList(start, end));
			runSize += documentSize;
			start = end;
		}
		runs.add(encoded(run));
		return runs;
	}

	/**
	 * Applies a run of a compensation, written by the partition's server file at {@code version}, to
	 * {@code states} (loading the states it has not read yet) and records the documents it changed.
	 */
	private void applyCompensation(long partitionId, Run run, long serverFileId, long version,
			Map<DocumentKey, DocumentState> states, Map<DocumentKey, Long> storedSizes, Map<DocumentKey, Long> changed) {
		for (Operation operation : run.operations()) {
			DocumentKey key = keyOf(operation);
			if (states.computeIfAbsent(key, k -> load(partitionId, k, storedSizes)).apply(operation, serverFileId)) {
				changed.put(key, version);
			}
		}
	}

	private Run encoded(List<Operation> operations) {
		String encoded = this.codec.encodeOperations(operations);
		return new Run(List.copyOf(operations), encoded, MessageCodec.utf8Length(encoded));
	}

	private static DocumentKey keyOf(Operation operation) {
		return new DocumentKey(operation.collection(), operation.id());
	}

	/** The partition's server file {id, last client version}, allocated on first use. */
	private long[] serverFile(long partitionId, LongSupplier salts) {
		List<long[]> found = this.jdbc.query(SELECT_SERVER_FILE_SQL, (rs, n) -> new long[] { rs.getLong(1),
				rs.getLong(2) }, partitionId);
		if (!found.isEmpty()) {
			return found.get(0);
		}
		Long id = this.jdbc.queryForObject(INSERT_SERVER_FILE_SQL, Long.class, partitionId, salts.getAsLong(),
				System.currentTimeMillis());
		if (id == null) {
			throw new IllegalStateException("no id returned for the server file of partition " + partitionId);
		}
		this.jdbc.update(UPDATE_SERVER_FILE_SQL, id, partitionId);
		return new long[] { id, 0 };
	}

	/** The stored state of a document (a new, absent one if none), its size put in {@code storedSizes}. */
	private DocumentState load(long partitionId, DocumentKey key, Map<DocumentKey, Long> storedSizes) {
		List<DocumentState> found = this.jdbc.query(SELECT_DOCUMENT_SQL, (rs, n) -> {
			storedSizes.put(key, rs.getLong(2));
			return this.codec.decodeDocumentState(rs.getString(1));
		}, partitionId, key.collection(), key.id());
		return found.isEmpty() ? new DocumentState(key) : found.get(0);
	}

}
