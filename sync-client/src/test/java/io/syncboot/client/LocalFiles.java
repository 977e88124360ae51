package io.syncboot.client;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Test access to a client's local database file, on a connection of the test's own. */
public final class LocalFiles {

	private LocalFiles() {
	}

	/**
	 * Runs one statement on a client's database file, for example to make the client's writes fail
	 * with a trigger as a full disk would.
	 */
	public static void runSql(Path file, String sql) {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
				Statement statement = connection.createStatement()) {
			statement.setQueryTimeout(30);
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The text in the first column of the first row that {@code sql} selects from a client's database file. */
	public static String queryText(Path file, String sql) {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			if (!rows.next()) {
				throw new IllegalStateException("no row for " + sql);
			}
			return rows.getString(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
