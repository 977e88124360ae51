package io.syncboot.server.store.jdbc;

import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;

/**
 * The PostgreSQL dialect: migrations under {@code io/syncboot/server/store/jdbc/migration/postgresql}.
 * Several server nodes may write at once: an integration locks its client file and partition rows
 * ({@code FOR NO KEY UPDATE}, see {@link #integrationLockClause()}), so the partition's server
 * versions are allocated gap-free and without duplicates, and readers see them only on commit. Every write transaction runs at
 * {@code READ COMMITTED} with {@code synchronous_commit = on} (durable before acknowledgement,
 * whatever the database's defaults) and bounded lock and idle waits ({@link #writeTransactionSetup()}),
 * and once it has committed, the store announces it on the channel {@value #CHANNEL}
 * ({@link #commitNotificationSql()}). Keys use the {@code "C"} collation.
 * Immutable.
 */
public final class PostgresDialect implements JdbcDialect {

	/** The one instance. */
	public static final PostgresDialect INSTANCE = new PostgresDialect();

	/** How long a write transaction waits for a row lock another node holds. */
	public static final String LOCK_TIMEOUT = "10s";

	/** How long a write transaction may stay open between two statements before PostgreSQL ends it. */
	public static final String IDLE_IN_TRANSACTION_TIMEOUT = "30s";

	/** The LISTEN/NOTIFY channel of commits; the payload is {@code <latestVersion>:<partition>}. */
	public static final String CHANNEL = "syncboot_commits";

	private PostgresDialect() {
	}

	@Override
	public String name() {
		return "postgresql";
	}

	/** PostgreSQL's SQL states by Spring's table: a lock wait that timed out (55P03) is transient. */
	@Override
	public SQLExceptionTranslator exceptionTranslator() {
		return new SQLErrorCodeSQLExceptionTranslator("PostgreSQL");
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

	/**
	 * {@code FOR NO KEY UPDATE}: the integration then updates only columns that no foreign key
	 * references and no unique index covers ({@code latest_version}, {@code snapshot_bytes},
	 * {@code server_file_id} of the partition, {@code last_client_version} of the client file), which
	 * is the lock PostgreSQL's own {@code UPDATE} of those columns takes. It excludes every other
	 * integration of the partition and of the client file (the lock conflicts with itself) but not the
	 * {@code FOR KEY SHARE} lock of a foreign-key check, so another node that allocates a client file
	 * on the partition, or inserts a row referencing the client file, does not wait for the whole
	 * integration (with {@code FOR UPDATE} it waited, up to the lock timeout).
	 */
	@Override
	public String integrationLockClause() {
		return "FOR NO KEY UPDATE";
	}

	/**
	 * Every write transaction: {@code READ COMMITTED} (a row lock that waited reads the row
	 * as the other node committed it; under a stricter database default two nodes writing one
	 * partition would fail instead of taking turns), {@code synchronous_commit = on}, a
	 * {@value #LOCK_TIMEOUT} lock timeout (a node that waits for another node's row locks longer fails
	 * that integration, unacknowledged, and its client sends it again, instead of holding up every
	 * other write of the node) and a {@value #IDLE_IN_TRANSACTION_TIMEOUT} idle-in-transaction timeout
	 * (a node that stops mid-transaction, frozen or cut off from the database, loses the transaction
	 * and its locks then, not when TCP keepalive notices, by default hours later).
	 */
	@Override
	public String writeTransactionSetup() {
		return "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit TO on; "
				+ "SET LOCAL lock_timeout TO '" + LOCK_TIMEOUT + "'; SET LOCAL idle_in_transaction_session_timeout TO '"
				+ IDLE_IN_TRANSACTION_TIMEOUT + "'";
	}

	/**
	 * {@code pg_notify} on {@value #CHANNEL}, in a transaction that commits with
	 * {@code synchronous_commit} off (the store runs it after the write transaction committed, in a
	 * transaction of its own). PostgreSQL serializes the commits of the transactions that queued
	 * notifications, on a lock of the whole cluster held from before their commit record until the
	 * commit is done: a write transaction that notified held that lock over its WAL flush, so the
	 * commits of every node took turns for the disk. The notifying transaction of its own writes
	 * nothing else and does not wait for a flush, so it holds that lock only briefly; its notification
	 * is delivered as soon as it commits (a database crash that loses it loses a hint only, the
	 * history it announces being flushed already).
	 */
	@Override
	public String commitNotificationSql() {
		return "SELECT pg_notify('" + CHANNEL + "', ?), set_config('synchronous_commit', 'off', true)";
	}

}
