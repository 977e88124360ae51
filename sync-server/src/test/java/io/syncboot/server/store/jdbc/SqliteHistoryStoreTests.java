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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

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
				assertThat(rs.getInt(1)).isEqualTo(4);
			}
		}
		assertThat(this.store.serverSalt()).isNotZero();
	}

	@Test
	void leavesADeletableDirectoryAfterClose() throws Exception {
		ClientFile a = this.store.allocateClientFile("p");
		this.store.integrate("p", a.fileId(), List.of(changeset(1, put("t", 1))));
		this.store.changesetsAfter("p", 0, 0, 100);
		this.store.close();
		try (Stream<Path> files = Files.list(this.directory)) {
			assertThat(files.map(path -> path.getFileName().toString())).containsExactly(JdbcHistoryStore.SQLITE_FILE_NAME);
		}
	}

}
