package io.syncboot.server.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.ConnectionProxy;

/**
 * The prepared statements of an integration transaction. On a store with one writer connection (the
 * embedded SQLite store) each statement is compiled once and reused by every later transaction:
 * compiling the integration's statements took most of the time of its work before the commit. Up to
 * {@value #MAX_CACHED} statements are kept (least recently used go first); a statement whose run
 * failed is closed and compiled again the next time. Elsewhere (a pool of connections), each run
 * prepares and closes its statement. Runs the statements on the transaction's connection through
 * the store's {@link JdbcTemplate}, so failures arrive as its {@code DataAccessException}s. Not
 * thread-safe: used on the store's writer only, under its write lock.
 */
final class WriterStatements implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(WriterStatements.class);

	/** Statements kept at most (the integration's own, and its reads of 1 to 500 keys). */
	static final int MAX_CACHED = 32;

	/** Runs a statement; it is bound by the callback itself. */
	@FunctionalInterface
	interface StatementCallback<T> {

		T run(PreparedStatement statement) throws SQLException;

	}

	/** Binds a statement's parameters. */
	@FunctionalInterface
	interface Binder {

		void bind(PreparedStatement statement) throws SQLException;

	}

	/** Reads one row of a result. */
	@FunctionalInterface
	interface RowReader<T> {

		T read(ResultSet rs) throws SQLException;

	}

	private final JdbcTemplate jdbc;

	private final boolean cache;

	private @Nullable Connection connection; // the connection the cached statements belong to

	private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(16, 0.75f, true);

	/**
	 * @param jdbc the store's writer template
	 * @param cache whether every transaction runs on the same single connection, so its statements
	 * may be kept between transactions
	 */
	WriterStatements(JdbcTemplate jdbc, boolean cache) {
		this.jdbc = jdbc;
		this.cache = cache;
	}

	/** Runs a statement on the transaction's connection. */
	<T> T execute(String sql, StatementCallback<T> work) {
		T result = this.jdbc.execute((ConnectionCallback<T>) connection -> {
			if (!this.cache) {
				try (PreparedStatement statement = connection.prepareStatement(sql)) {
					return work.run(statement);
				}
			}
			PreparedStatement statement = statement(target(connection), sql);
			boolean done = false;
			try {
				T value = work.run(statement);
				statement.clearParameters();
				done = true;
				return value;
			}
			finally {
				if (!done) {
					evict(sql);
				}
			}
		});
		if (result == null) {
			throw new IllegalStateException("no result from " + sql);
		}
		return result;
	}

	/** Runs an update; returns the number of rows changed. */
	int update(String sql, Binder binder) {
		return execute(sql, statement -> {
			binder.bind(statement);
			return statement.executeUpdate();
		});
	}

	/** Runs a query and reads every row. */
	<T> List<T> query(String sql, Binder binder, RowReader<T> reader) {
		return execute(sql, statement -> {
			binder.bind(statement);
			List<T> rows = new ArrayList<>();
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					rows.add(reader.read(rs));
				}
			}
			return rows;
		});
	}

	private static Connection target(Connection connection) {
		return (connection instanceof ConnectionProxy proxy) ? proxy.getTargetConnection() : connection;
	}

	private PreparedStatement statement(Connection target, String sql) throws SQLException {
		if (this.connection != target) {
			close();
			this.connection = target;
		}
		PreparedStatement statement = this.statements.get(sql);
		if (statement == null) {
			statement = target.prepareStatement(sql);
			this.statements.put(sql, statement);
			if (this.statements.size() > MAX_CACHED) {
				Iterator<PreparedStatement> eldest = this.statements.values().iterator();
				PreparedStatement dropped = eldest.next();
				eldest.remove();
				closeQuietly(dropped);
			}
		}
		return statement;
	}

	private void evict(String sql) {
		PreparedStatement statement = this.statements.remove(sql);
		if (statement != null) {
			closeQuietly(statement);
		}
	}

	/** Closes every kept statement (the store closes them before its connection). */
	@Override
	public void close() {
		this.statements.values().forEach(WriterStatements::closeQuietly);
		this.statements.clear();
		this.connection = null;
	}

	private static void closeQuietly(PreparedStatement statement) {
		try {
			statement.close();
		}
		catch (SQLException ex) {
			logger.debug("Closing a statement failed: {}", ex.toString());
		}
	}

}
