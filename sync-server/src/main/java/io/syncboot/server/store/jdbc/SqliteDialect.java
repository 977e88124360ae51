package io.syncboot.server.store.jdbc;

/**
 * The SQLite dialect: migrations under {@code io/syncboot/server/store/jdbc/migration/sqlite}. Text
 * compares as UTF-8 bytes (the {@code BINARY} collation), which keyset paging relies on. Immutable.
 */
public final class SqliteDialect implements JdbcDialect {

	/** The one instance. */
	public static final SqliteDialect INSTANCE = new SqliteDialect();

	private SqliteDialect() {
	}

	@Override
	public String name() {
		return "sqlite";
	}

	@Override
	public String migrationLocation() {
		return "classpath:io/syncboot/server/store/jdbc/migration/sqlite";
	}

}
