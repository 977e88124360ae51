package io.syncboot.server.store.jdbc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.server.store.IntegrationResult;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The write side of {@link JdbcHistoryStore}: the body of one integration transaction. Runs inside a
 * transaction the store opened, on the store's single writer; holds no state between calls.
 */
final class JdbcIntegration {

	private static final String SELECT_FILE_FOR_INTEGRATION_SQL = """
			SELECT f.partition_id, f.last_client_version, p.name, p.latest_version
			FROM syncboot_client_file f JOIN syncboot_partition p ON p.id = f.partition_id
			WHERE f.id = ?
			%s
			""";

	private static final String INSERT_HISTORY_SQL = """
			INSERT INTO syncboot_history (partition_id, server_version, origin_file_id, client_version, size_bytes, ops)
			VALUES (?, ?, ?, ?, ?, ?)
			""";

	private static final String SELECT_DOCUMENT_SQL = """
			SELECT state FROM syncboot_document WHERE partition_id = ? AND collection = ? AND doc_id = ?
			""";

	private static final String UPSERT_DOCUMENT_SQL = """
			INSERT INTO syncboot_document (partition_id, collection, doc_id, state, size_bytes, last_version)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (partition_id, collection, doc_id)
			DO UPDATE SET state = excluded.state, size_bytes = excluded.size_bytes, last_version = excluded.last_version
			""";

	private static final String UPDATE_PARTITION_VERSION_SQL = """
			UPDATE syncboot_partition SET latest_version = ? WHERE id = ?
			""";

	private static final String UPDATE_FILE_VERSION_SQL = """
			UPDATE syncboot_client_file SET last_client_version = ? WHERE id = ?
			""";

	private final JdbcTemplate jdbc;

	private final MessageCodec codec;

	private final String selectFileSql;

	JdbcIntegration(JdbcTemplate jdbc, MessageCodec codec, JdbcDialect dialect) {
		this.jdbc = jdbc;
		this.codec = codec;
		this.selectFileSql = SELECT_FILE_FOR_INTEGRATION_SQL.formatted(dialect.integrationLockClause());
	}

	private record FileRow(long partitionId, long lastClientVersion, String partition, long latestVersion) {
	}

	IntegrationResult integrate(String partition, long fileId, List<Changeset> changesets) {
		long previous = 0;
		for (Changeset changeset : changesets) {
			if (changeset.clientVersion() <= previous) {
				throw new IllegalArgumentException("client versions must increase, " + changeset.clientVersion()
						+ " follows " + previous);
			}
			previous = changeset.clientVersion();
		}
		List<FileRow> rows = this.jdbc.query(this.selectFileSql, (rs, n) -> new FileRow(rs.getLong(1),
				rs.getLong(2), rs.getString(3), rs.getLong(4)), fileId);
		if (rows.isEmpty()) {
			throw new IllegalArgumentException("unknown client file " + fileId);
		}
		FileRow file = rows.get(0);
		if (!file.partition().equals(partition)) {
			throw new IllegalArgumentException("client file " + fileId + " belongs to partition '" + file.partition()
					+ "', not '" + partition + "'");
		}
		long version = file.latestVersion();
		long ack = file.lastClientVersion();
		int skipped = 0;
		List<ServerChangeset> integrated = new ArrayList<>();
		Map<DocumentKey, DocumentState> states = new HashMap<>();
		Map<DocumentKey, Long> changed = new LinkedHashMap<>();
		for (Changeset changeset : changesets) {
			if (changeset.clientVersion() <= ack) {
				skipped++;
				continue;
			}
			version++;
			String ops = this.codec.encodeOperations(changeset.operations());
			this.jdbc.update(INSERT_HISTORY_SQL, file.partitionId(), version, fileId, changeset.clientVersion(),
					MessageCodec.utf8Length(ops), ops);
			for (Operation operation : changeset.operations()) {
				DocumentKey key = new DocumentKey(operation.collection(), operation.id());
				DocumentState state = states.computeIfAbsent(key, k -> load(file.partitionId(), k));
				if (state.apply(operation, fileId)) {
					changed.put(key, version);
				}
			}
			ack = changeset.clientVersion();
			integrated.add(new ServerChangeset(version, fileId, changeset.clientVersion(), changeset.operations()));
		}
		if (!integrated.isEmpty()) {
			List<Object[]> upserts = new ArrayList<>(changed.size());
			for (Map.Entry<DocumentKey, Long> entry : changed.entrySet()) {
				String state = this.codec.encodeDocumentState(states.get(entry.getKey()));
				upserts.add(new Object[] { file.partitionId(), entry.getKey().collection(), entry.getKey().id(), state,
						MessageCodec.utf8Length(state), entry.getValue() });
			}
			if (!upserts.isEmpty()) {
				this.jdbc.batchUpdate(UPSERT_DOCUMENT_SQL, upserts);
			}
			this.jdbc.update(UPDATE_PARTITION_VERSION_SQL, version, file.partitionId());
			this.jdbc.update(UPDATE_FILE_VERSION_SQL, ack, fileId);
		}
		return new IntegrationResult(integrated, skipped, version, ack);
	}

	private DocumentState load(long partitionId, DocumentKey key) {
		List<String> found = this.jdbc.queryForList(SELECT_DOCUMENT_SQL, String.class, partitionId, key.collection(),
				key.id());
		@Nullable String text = found.isEmpty() ? null : found.get(0);
		return (text != null) ? this.codec.decodeDocumentState(text) : new DocumentState(key);
	}

}
