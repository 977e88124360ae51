package io.syncboot.server;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.syncboot.server.store.jdbc.JdbcHistoryStore;

/**
 * What a server's store holds, read from its SQLite file with a separate connection: the number of
 * partitions, client files, history rows and documents, and the sum of the partitions' versions.
 */
record StoreRows(long partitions, long files, long history, long documents, long versions) {

	static StoreRows of(Path dataDirectory) {
		try (Connection connection = DriverManager.getConnection(
				"jdbc:sqlite:" + dataDirectory.resolve(JdbcHistoryStore.SQLITE_FILE_NAME));
				Statement statement = connection.createStatement()) {
			return new StoreRows(count(statement, "SELECT count(*) FROM syncboot_partition"),
					count(statement, "SELECT count(*) FROM syncboot_client_file"),
					count(statement, "SELECT count(*) FROM syncboot_history"),
					count(statement, "SELECT count(*) FROM syncboot_document"),
					count(statement, "SELECT COALESCE(SUM(latest_version), 0) FROM syncboot_partition"));
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static long count(Statement statement, String sql) throws SQLException {
		try (ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getLong(1);
		}
	}

}
