package io.syncboot.server.store.jdbc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

import io.syncboot.server.store.ClientFile;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The embedded SQLite history store on a real file.
 */
class SqliteHistoryStoreTests extends HistoryStoreContractTests {

	@TempDir
	Path directory;

	@Override
	protected JdbcHistoryStore openStore() {
		return JdbcHistoryStore.sqlite(this.directory);
	}

	@Override
	protected void execute(String sql) throws Exception {
		try (Connection connection = DriverManager.getConnection(
				"jdbc:sqlite:" + this.directory.resolve(JdbcHistoryStore.SQLITE_FILE_NAME));
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	@Test
	void opensADurableWalDatabaseWithItsOwnSchemaHistory() throws Exception {
		try (Connection connection = DriverManager.getConnection(
				"jdbc:sqlite:" + this.directory.resolve(JdbcHistoryStore.SQLITE_FILE_NAME));
				Statement statement = connection.createStatement()) {
			try (ResultSet rs = statement.executeQuery("PRAGMA journal_mode")) {
				rs.next();
				assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
			}
			try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM syncboot_schema_history WHERE success = 1")) {
				rs.next();
				assertThat(rs.getInt(1)).isEqualTo(6);
			}
		}
		assertThat(this.store.serverSalt()).isNotZero();
	}

	@Test
	void aStoreWrittenBeforeTheSnapshotTotalWasKeptCountsItWhenOpened() throws Exception {
		this.store.close();
		Path older = Files.createDirectories(this.directory.resolve("older"));
		String url = "jdbc:sqlite:" + older.resolve(JdbcHistoryStore.SQLITE_FILE_NAME);
		Flyway.configure(JdbcHistoryStore.class.getClassLoader())
			.dataSource(url, null, null)
			.locations(SqliteDialect.INSTANCE.migrationLocation())
			.table(JdbcHistoryStore.SCHEMA_HISTORY_TABLE)
			.target("4")
			.load()
			.migrate();
		try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
			statement.execute("INSERT INTO syncboot_partition (id, name, latest_version) VALUES (1, 'p', 2), (2, 'q', 1)");
			statement.execute("INSERT INTO syncboot_document (partition_id, collection, doc_id, state, size_bytes, last_version)"
					+ " VALUES (1, 'tasks', 'a', '{}', 120, 1), (1, 'tasks', 'b', '{}', 80, 2), (2, 'tasks', 'c', '{}', 7, 1)");
		}
		this.store = JdbcHistoryStore.sqlite(older);
		assertThat(this.store.snapshotBytesAfter("p", null)).isEqualTo(200);
		assertThat(this.store.snapshotBytesAfter("q", null)).isEqualTo(7);
	}

	@Test
	void leavesADeletableDirectoryAfterClose() throws Exception {
		ClientFile a = this.store.allocateClientFile("p");
		this.store.integrate("p", a.fileId(), List.of(changeset(1, put("t", 1))));
		this.store.changesetsAfter("p", 0, 0, 100);
		this.store.close();
		try (Stream<Path> files = Files.list(this.directory)) {
			assertThat(files.map(path -> path.getFileName().toString()))
				.containsExactlyInAnyOrder(JdbcHistoryStore.SQLITE_FILE_NAME, DataDirectoryLock.FILE_NAME);
		}
	}

	@Test
	void aRefusedSecondStoreInThisProcessLeavesTheLockHeldAgainstOtherProcesses() throws Exception {
		assertThat(probeFromAnotherProcess()).isEqualTo("refused");
		assertThatIllegalStateException().isThrownBy(() -> JdbcHistoryStore.sqlite(this.directory))
			.withMessageContaining("is in use by another SyncBoot server");
		// a POSIX record lock is lost when the process closes any descriptor of the file: the refused
		// attempt must not have opened it
		assertThat(probeFromAnotherProcess()).isEqualTo("refused");
		this.store.close();
		assertThat(probeFromAnotherProcess()).isEqualTo("locked");
		this.store = JdbcHistoryStore.sqlite(this.directory);
	}

	private String probeFromAnotherProcess() throws Exception {
		Process probe = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
				System.getProperty("java.class.path"), LockProbeMain.class.getName(), this.directory.toString())
			.redirectErrorStream(true)
			.start();
		String output = new String(probe.getInputStream().readAllBytes()).strip();
		assertThat(probe.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		return output;
	}

	@Test
	void aSecondStoreOnTheSameDirectoryIsRefusedUntilTheFirstCloses() {
		// two servers on one history file would each keep their own view of it in memory
		ClientFile a = this.store.allocateClientFile("p");
		assertThatIllegalStateException().isThrownBy(() -> JdbcHistoryStore.sqlite(this.directory))
			.withMessageContaining("is in use by another SyncBoot server");
		assertThat(this.store.allocateClientFile("p").fileId()).as("the first store goes on").isGreaterThan(a.fileId());
		// a tool reading beside the server does not take the lock
		try (JdbcHistoryStore beside = JdbcHistoryStore.sqliteBesideItsServer(this.directory)) {
			assertThat(beside.compactedVersion("p")).isZero();
		}
		this.store.close();
		this.store = JdbcHistoryStore.sqlite(this.directory);
		assertThat(this.store.allocateClientFile("p").fileId()).isGreaterThan(a.fileId() + 1);
	}

}
