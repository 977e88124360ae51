package io.syncboot.server.store.jdbc;

/**
 * The PostgreSQL dialect: migrations under {@code io/syncboot/server/store/jdbc/migration/postgresql}.
 * Several server nodes may write at once: an integration locks its client file and partition rows
 * ({@code FOR UPDATE}), so the partition's server versions are allocated gap-free and without
 * duplicates, and readers see them only on commit. Every write transaction runs with
 * {@code synchronous_commit = on} (durable before acknowledgement, whatever the server default) and
 * announces its commits on the channel {@value #CHANNEL}. Keys use the {@code "C"} collation.
 * Immutable.
 */
public final class PostgresDialect implements JdbcDialect {

	/** The one instance. */
	public static final PostgresDialect INSTANCE = new PostgresDialect();

	/** The LISTEN/NOTIFY channel of commits; the payload is {@code <latestVersion>:<partition>}. */
	public static final String CHANNEL = "syncboot_commits";

	private PostgresDialect() {
	}

	@Override
	public String name() {
		return "postgresql";
	}

	@Override
	public String migrationLocation() {
		return "classpath:io/syncboot/server/store/jdbc/migration/postgresql";
	}

	/** The store's tables in the current schema, with their indexes and TOAST data. */
	@Override
	public String sizeBytesSql() {
		return """
				SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)
				FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE c.relkind = 'r' AND c.relname LIKE 'syncboot\\_%' AND n.nspname = current_schema()
				""";
	}

	@Override
	public String integrationLockClause() {
		return "FOR UPDATE";
	}

	@Override
	public String writeTransactionSetup() {
		return "SET LOCAL synchronous_commit TO on";
	}

	@Override
	public String commitNotificationSql() {
		return "SELECT pg_notify('" + CHANNEL + "', ?)";
	}

}
