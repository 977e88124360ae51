package io.syncboot.server.store.jdbc;

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
	 * The clause that locks the rows an integration reads before it allocates server versions
	 * ({@code FOR UPDATE OF p} on PostgreSQL, where several writers may run); empty where the
	 * database has a single writer.
	 */
	default String integrationLockClause() {
		return "";
	}

	/** The {@code ORDER BY} of document keys, which must order as the row-value comparison does. */
	default String documentKeyOrder() {
		return "collection, doc_id";
	}

}
