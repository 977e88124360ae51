package io.syncboot.server.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.support.SQLExceptionTranslator;

/**
 * What {@link JdbcHistoryStore} needs to know about a database: where its migrations live. The SQL
 * of the store is written to run unchanged on every supported database (SQLite 3.35+, PostgreSQL
 * 12+: {@code ON CONFLICT}, {@code RETURNING}, row-value comparison); a dialect carries the rest.
 * Implementations are immutable and thread-safe.
 */
public interface JdbcDialect {

	/** A short name of the database, for logs ("sqlite"). */
	String name();

	/** The Flyway location of the dialect's migrations, e.g. {@code classpath:io/syncboot/server/store/jdbc/migration/sqlite}. */
	String migrationLocation();

	/**
	 * The clause that locks the rows an integration reads before it allocates server versions (its
	 * client file's and partition's rows; {@code FOR NO KEY UPDATE} on PostgreSQL, where several
	 * writers may run): it must exclude every other integration of those rows until the transaction
	 * ends. Empty where the database has a single writer.
	 */
	default String integrationLockClause() {
		return "";
	}

	/**
	 * Statements run first in every write transaction (PostgreSQL: the isolation level, durable
	 * commit, lock and idle timeouts), or {@code null}.
	 */
	default @Nullable String writeTransactionSetup() {
		return null;
	}

	/**
	 * A query with one parameter (the payload {@code <latestVersion>:<partition>}) that announces a
	 * commit to the other nodes (PostgreSQL: {@code pg_notify}), or {@code null} where the database
	 * has one node. The store runs it after the write transaction has committed, once per payload, in
	 * a short transaction of its own (the payloads of one write together), never inside the write
	 * transaction: an announcement is a hint, which the other nodes' periodic catch-up replaces when
	 * it is lost.
	 */
	default @Nullable String commitNotificationSql() {
		return null;
	}

	/**
	 * A query for the bytes the store's tables take in the database (one row, one column), or
	 * {@code null} if the database cannot tell.
	 */
	default @Nullable String sizeBytesSql() {
		return null;
	}

	/**
	 * How the store's JDBC failures become Spring's {@code DataAccessException}s, or {@code null} for
	 * JdbcTemplate's default (which leaves some of a database's transient states uncategorized).
	 */
	default @Nullable SQLExceptionTranslator exceptionTranslator() {
		return null;
	}

	/** The {@code ORDER BY} of document keys, which must order as the row-value comparison does. */
	default String documentKeyOrder() {
		return "collection, doc_id";
	}

	/**
	 * A text column of the current row ({@link ResultSet#getString} unless the driver has a cheaper
	 * way); used where the store reads many rows, such as a snapshot.
	 * @throws SQLException if the driver fails
	 */
	default @Nullable String text(ResultSet row, int column) throws SQLException {
		return row.getString(column);
	}

}
