package io.syncboot.client.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The prepared statements of one local database connection, each compiled once and reused by
 * every transaction, so that a local write runs no SQL compilation. Callers close the result sets
 * they open; parameters are rebound before each use.
 *
 * <p>Not thread-safe: used by {@link SqliteStore} under its lock, like the connection. A statement
 * that fails to compile throws the {@link SQLException} to the caller and is not cached.
 */
final class StatementCache implements AutoCloseable {

	private final Connection connection;

	private final Map<String, PreparedStatement> statements = new HashMap<>();

	StatementCache(Connection connection) {
		this.connection = connection;
	}

	/** The connection the statements belong to. */
	Connection connection() {
		return this.connection;
	}

	/** The prepared statement of {@code sql}, compiled on first use. */
	PreparedStatement prepare(String sql) throws SQLException {
		PreparedStatement statement = this.statements.get(sql);
		if (statement == null) {
			statement = this.connection.prepareStatement(sql);
			this.statements.put(sql, statement);
		}
		return statement;
	}

	/** Closes every statement (quietly); the connection stays open. */
	@Override
	public void close() {
		for (PreparedStatement statement : this.statements.values()) {
			try {
				statement.close();
			}
			catch (SQLException ex) {
				// closing anyway
			}
		}
		this.statements.clear();
	}

}
