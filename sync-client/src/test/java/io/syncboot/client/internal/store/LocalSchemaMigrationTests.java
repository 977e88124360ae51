package io.syncboot.client.internal.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.HybridLogicalClock;
import io.syncboot.core.model.Operation;
import io.syncboot.core.protocol.SyncMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Files written by earlier versions of the local schema open, keep their data and are migrated;
 * files of a newer version are refused.
 */
class LocalSchemaMigrationTests {

	private static final DocumentKey T1 = new DocumentKey("tasks", "t1");

	private static final DocumentKey L1 = new DocumentKey("log", "l1");

	private final MessageCodec codec = new MessageCodec();

	private final AtomicLong wallClock = new AtomicLong(1_700_000_000_000L);

	@TempDir
	Path dir;

	@Test
	void aVersion1FileOpensWithItsDocumentsOutboxPendingDocumentsAndMetadata() throws Exception {
		Path file = this.dir.resolve("v1.db");
		long t1Stamp = HybridLogicalClock.pack(this.wallClock.get() - 5000, 0);
		long l1Stamp = HybridLogicalClock.pack(this.wallClock.get() - 4000, 0);
		long lastHlc = HybridLogicalClock.pack(this.wallClock.get() + 60_000, 3); // observed from a download
		writeVersion1File(file, t1Stamp, l1Stamp, lastHlc);

		try (SqliteStore store = SqliteStore.open(file, this.codec, this.wallClock::get, 1024 * 1024)) {
			assertThat(store.meta()).isEqualTo(new StoreMeta(7, 70, 700, 5, 0, 1, 3, lastHlc));
			assertThat(store.get(T1)).contains(Map.of("title", "acknowledged"));
			assertThat(store.get(L1)).contains(Map.of("line", 1L));
			assertThat(store.isPending(T1)).isFalse();
			assertThat(store.isPending(L1)).isTrue();
			assertThat(store.pendingChanges()).isEqualTo(1);
			assertThat(store.uploadCounters().pending()).isEqualTo(encodedSize(l1Operation(l1Stamp)));
			assertThat(store.readOutbox(0, Long.MAX_VALUE, 10)).singleElement().satisfies(entry -> {
				assertThat(entry.clientVersion()).isEqualTo(2);
				assertThat(entry.baseServerVersion()).isEqualTo(5);
				assertThat(entry.operations()).containsExactly(l1Operation(l1Stamp));
			});

			CommitResult next = store.commitLocal(List.of(new LocalWrite.Update("tasks", "t1", Map.of("done", true))));

			assertThat(next.clientVersion()).isEqualTo(3);
			assertThat(store.isPending(T1)).isTrue();
			assertThat(store.state(T1).orElseThrow().latestStamp().timestamp()).isGreaterThan(lastHlc);
		}
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
			assertThat(query(connection, "PRAGMA user_version")).isEqualTo(LocalSchema.VERSION);
			assertThat(query(connection, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'outbox_documents'")).isZero();
		}
		try (SqliteStore store = SqliteStore.open(file, this.codec, this.wallClock::get, 1024 * 1024)) {
			assertThat(store.meta().nextClientVersion()).isEqualTo(4);
			assertThat(store.readOutbox(0, Long.MAX_VALUE, 10)).extracting(OutboxEntry::clientVersion)
				.containsExactly(2L, 3L);
			assertThat(store.get(T1)).contains(Map.of("title", "acknowledged", "done", true));
			assertThat(store.isPending(L1)).isTrue();
		}
	}

	@Test
	void aVersion2FileOpensAsItIsAndGetsTheCurrentVersion() throws Exception {
		Path file = this.dir.resolve("v2.db");
		try (SqliteStore store = SqliteStore.open(file, this.codec, this.wallClock::get, 1024 * 1024)) {
			store.commitLocal(List.of(new LocalWrite.Put("tasks", "t1", Map.of("title", "kept"))));
		}
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
				Statement statement = connection.createStatement()) {
			statement.execute("ALTER TABLE meta DROP COLUMN download_salt");
			statement.execute("PRAGMA user_version = 2");
		}

		try (SqliteStore store = SqliteStore.open(file, this.codec, this.wallClock::get, 1024 * 1024)) {
			assertThat(store.get(T1)).contains(Map.of("title", "kept"));
			assertThat(store.pendingChanges()).isEqualTo(1);
		}
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
			assertThat(query(connection, "PRAGMA user_version")).isEqualTo(LocalSchema.VERSION);
		}
	}

	@Test
	void aVersion3FileKeepsItsCursorWithAnUnknownSaltUntilItsNextDownload() throws Exception {
		Path file = this.dir.resolve("v3.db");
		try (SqliteStore store = SqliteStore.open(file, this.codec, this.wallClock::get, 1024 * 1024)) {
			store.assignClientFileId(7, 70, 700);
			store.applyDownload(new SyncMessage.Download(1, 5, 0, 0, 0, List.of(), List.of()));
		}
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
				Statement statement = connection.createStatement()) {
			statement.execute("ALTER TABLE meta DROP COLUMN download_salt");
			statement.execute("PRAGMA user_version = 3");
		}

		try (SqliteStore store = SqliteStore.open(file, this.codec, this.wallClock::get, 1024 * 1024)) {
			assertThat(store.meta().downloadCursor()).isEqualTo(5);
			assertThat(store.meta().downloadSalt()).as("unknown: the server does not check it").isZero();
			store.applyDownload(new SyncMessage.Download(1, 6, 1234, 0, 0, List.of(), List.of()));
		}
		try (SqliteStore store = SqliteStore.open(file, this.codec, this.wallClock::get, 1024 * 1024)) {
			assertThat(store.meta().downloadCursor()).isEqualTo(6);
			assertThat(store.meta().downloadSalt()).isEqualTo(1234);
		}
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
			assertThat(query(connection, "PRAGMA user_version")).isEqualTo(LocalSchema.VERSION);
		}
	}

	@Test
	void aFileOfANewerVersionIsRefusedAndLeftAsItIs() throws Exception {
		Path file = this.dir.resolve("v9.db");
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE future (x INTEGER)");
			statement.execute("PRAGMA user_version = 9");
		}

		assertThatThrownBy(() -> SqliteStore.open(file, this.codec, this.wallClock::get, 1024 * 1024))
			.isInstanceOf(StoreException.class).hasMessageContaining("schema version 9");

		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
			assertThat(query(connection, "PRAGMA user_version")).isEqualTo(9);
			assertThat(query(connection, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'documents'")).isZero();
		}
	}

	private Operation l1Operation(long stamp) {
		return new Operation.Put("log", "l1", stamp, Map.of("line", 1L));
	}

	private long encodedSize(Operation operation) {
		return MessageCodec.utf8Length(this.codec.encodeOperations(List.of(operation)));
	}

	/**
	 * A file as version 1 left it: t1 acknowledged (client version 1), l1 pending in client version
	 * 2, the meta row rewritten by the last commit.
	 */
	private void writeVersion1File(Path file, long t1Stamp, long l1Stamp, long lastHlc) throws SQLException {
		DocumentState t1 = DocumentState.of(new Operation.Put("tasks", "t1", t1Stamp, Map.of("title", "acknowledged")), 7);
		DocumentState l1 = DocumentState.of(l1Operation(l1Stamp), 7);
		String l1Ops = this.codec.encodeOperations(List.of(l1Operation(l1Stamp)));
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
			try (Statement statement = connection.createStatement()) {
				statement.execute("""
						CREATE TABLE meta (singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
						    client_file_id INTEGER NOT NULL, file_salt INTEGER NOT NULL, server_salt INTEGER NOT NULL,
						    download_cursor INTEGER NOT NULL, upload_ack INTEGER NOT NULL,
						    next_client_version INTEGER NOT NULL, last_hlc INTEGER NOT NULL)""");
				statement.execute("""
						CREATE TABLE documents (collection TEXT NOT NULL, id TEXT NOT NULL, present INTEGER NOT NULL,
						    local_stamps INTEGER NOT NULL, state TEXT NOT NULL, body TEXT,
						    PRIMARY KEY (collection, id)) WITHOUT ROWID""");
				statement.execute("""
						CREATE TABLE outbox (client_version INTEGER PRIMARY KEY, base_server_version INTEGER NOT NULL,
						    ops TEXT NOT NULL, byte_size INTEGER NOT NULL, created_at INTEGER NOT NULL)""");
				statement.execute("""
						CREATE TABLE outbox_documents (collection TEXT NOT NULL, id TEXT NOT NULL,
						    client_version INTEGER NOT NULL, PRIMARY KEY (collection, id, client_version)) WITHOUT ROWID""");
				statement.execute("CREATE INDEX outbox_documents_by_version ON outbox_documents (client_version)");
				statement.execute("INSERT INTO meta VALUES (1, 7, 70, 700, 5, 1, 3, " + lastHlc + ")");
				statement.execute("INSERT INTO outbox_documents VALUES ('log', 'l1', 2)");
				statement.execute("PRAGMA user_version = 1");
			}
			try (PreparedStatement insert = connection.prepareStatement("INSERT INTO documents VALUES (?, ?, 1, 0, ?, ?)")) {
				for (DocumentState state : List.of(t1, l1)) {
					insert.setString(1, state.key().collection());
					insert.setString(2, state.key().id());
					insert.setString(3, this.codec.encodeDocumentState(state));
					insert.setString(4, this.codec.encodeFields(state.visibleFields()));
					insert.executeUpdate();
				}
			}
			try (PreparedStatement insert = connection.prepareStatement("INSERT INTO outbox VALUES (2, 5, ?, ?, 0)")) {
				insert.setString(1, l1Ops);
				insert.setLong(2, MessageCodec.utf8Length(l1Ops));
				insert.executeUpdate();
			}
		}
	}

	private static long query(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getLong(1);
		}
	}

}
