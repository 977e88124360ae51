package io.syncboot.server.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

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

	/**
	 * The column's bytes decoded as UTF-8 (the database's encoding): sqlite-jdbc's
	 * {@code getString} hands the text over in a direct buffer it creates through a JNI call back
	 * into the JVM, for every column of every row; its {@code getBytes} copies into an array.
	 */
	/** Every page of the database file, as the store's connection sees it (its write-ahead log included). */
	@Override
	public String sizeBytesSql() {
		return "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()";
	}

	@Override
	public @Nullable String text(ResultSet row, int column) throws SQLException {
		byte[] bytes = row.getBytes(column);
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
	}

}
