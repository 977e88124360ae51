package io.syncboot.server.store.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.test.postgres.EmbeddedDatabase;
import io.syncboot.server.store.ClientFile;
import io.syncboot.server.store.HistoryStore;
import io.syncboot.server.store.IntegrationResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The history store on a real PostgreSQL server (one per class, a fresh database per test),
 * including several stores writing to one partition at once, as several server nodes do.
 */
class PostgresHistoryStoreTests extends HistoryStoreContractTests {

	private static EmbeddedDatabase database;

	private String url;

	@BeforeAll
	static void startDatabase() {
		database = EmbeddedDatabase.start();
	}

	@AfterAll
	static void stopDatabase() {
		database.close();
	}

	@Override
	@BeforeEach
	void open() {
		this.url = database.createDatabase();
		super.open();
	}

	@Override
	protected JdbcHistoryStore openStore() {
		return JdbcHistoryStore.postgresql(this.url, database.user(), database.password());
	}

	@Override
	protected void execute(String sql) {
		EmbeddedDatabase.execute(this.url, sql);
	}

	@Test
	void sharesADatabaseThatHoldsOtherTablesAndMigrations() {
		String url = database.createDatabase();
		EmbeddedDatabase.execute(url, """
				CREATE TABLE flyway_schema_history (installed_rank INT PRIMARY KEY, version VARCHAR(50));
				CREATE TABLE app_orders (id BIGINT PRIMARY KEY);
				INSERT INTO app_orders VALUES (1);
				""");
		JdbcHistoryStore shared = JdbcHistoryStore.postgresql(url, database.user(), database.password());
		try {
			ClientFile file = shared.allocateClientFile("p");
			shared.integrate("p", file.fileId(), List.of(changeset(1, put("t1", "a"))));
			assertThat(shared.latestVersion("p")).isEqualTo(1);
		}
		finally {
			shared.close();
		}
		assertThat(EmbeddedDatabase.queryLong(url, "SELECT count(*) FROM app_orders")).isEqualTo(1);
		assertThat(EmbeddedDatabase.queryLong(url,
				"SELECT count(*) FROM syncboot_schema_history WHERE success AND version IS NOT NULL AND version <> '0'"))
			.isEqualTo(6);
	}

	@Test
	void migratesWithItsOwnSchemaHistoryAndCommitsSynchronously() {
		assertThat(EmbeddedDatabase.queryLong(this.url,
				"SELECT count(*) FROM syncboot_schema_history WHERE success")).isEqualTo(6);
		assertThat(this.store.dialect()).isSameAs(PostgresDialect.INSTANCE);
		// the test server runs with synchronous_commit=off; the store's write transactions turn it on
		EmbeddedDatabase.execute(this.url, """
				CREATE TABLE seen_setting (setting TEXT NOT NULL);
				CREATE FUNCTION record_setting() RETURNS trigger AS $$
				BEGIN INSERT INTO seen_setting VALUES (current_setting('synchronous_commit')); RETURN NEW; END
				$$ LANGUAGE plpgsql;
				CREATE TRIGGER record_setting AFTER INSERT ON syncboot_history FOR EACH ROW EXECUTE FUNCTION record_setting();
				""");
		assertThat(EmbeddedDatabase.queryLong(this.url, "SELECT count(*) FROM pg_settings WHERE name = "
				+ "'synchronous_commit' AND setting = 'off'")).isEqualTo(1);
		ClientFile file = this.store.allocateClientFile("p");
		this.store.integrate("p", file.fileId(), List.of(changeset(1, put("a", 1)), changeset(2, put("b", 2))));
		assertThat(EmbeddedDatabase.queryLong(this.url, "SELECT count(*) FROM seen_setting WHERE setting = 'on'"))
			.isEqualTo(2);
		assertThat(EmbeddedDatabase.queryLong(this.url, "SELECT count(*) FROM seen_setting")).isEqualTo(2);
	}

	@Test
	void writesAtReadCommittedWithBoundedLockAndIdleWaitsWhateverTheDatabaseDefaults() {
		defaultToRepeatableRead();
		EmbeddedDatabase.execute(this.url, """
				CREATE TABLE seen_setting (setting TEXT NOT NULL);
				CREATE FUNCTION record_setting() RETURNS trigger AS $$
				BEGIN INSERT INTO seen_setting VALUES (current_setting('transaction_isolation') || ','
				|| current_setting('lock_timeout') || ',' || current_setting('idle_in_transaction_session_timeout'));
				RETURN NEW; END
				$$ LANGUAGE plpgsql;
				CREATE TRIGGER record_setting AFTER INSERT ON syncboot_history FOR EACH ROW EXECUTE FUNCTION record_setting();
				""");
		JdbcHistoryStore node = openStore();
		try {
			ClientFile file = node.allocateClientFile("p");
			node.integrate("p", file.fileId(), List.of(changeset(1, put("a", 1))));
		}
		finally {
			node.close();
		}
		assertThat(EmbeddedDatabase.queryLong(this.url,
				"SELECT count(*) FROM seen_setting WHERE setting = 'read committed,10s,30s'")).isEqualTo(1);
	}

	@Test
	void nodesTakeTurnsOnOnePartitionUnderAStricterDatabaseDefaultIsolation() throws Exception {
		defaultToRepeatableRead();
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch go = new CountDownLatch(1);
		try (JdbcHistoryStore nodeA = openStore(); JdbcHistoryStore nodeB = openStore()) {
			ClientFile a = nodeA.allocateClientFile("p");
			ClientFile b = nodeB.allocateClientFile("p");
			// node A holds the partition's row lock (in a rejection's planner) while node B writes too
			CompletableFuture<IntegrationResult> first = holdingThePartitionsLocks(nodeA, "p", a, inside, go,
					List.of(new Operation.Delete("tasks", "x", 5_000)));
			assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<IntegrationResult> second = CompletableFuture
				.supplyAsync(() -> nodeB.integrate("p", b.fileId(), List.of(changeset(1, put("y", 2)))));
			await().atMost(java.time.Duration.ofSeconds(10)).until(() -> EmbeddedDatabase.queryLong(this.url,
					"SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()") > 0);
			go.countDown();
			first.get(10, TimeUnit.SECONDS);
			assertThat(second.get(10, TimeUnit.SECONDS).latestVersion()).isEqualTo(2);
		}
	}

	@Test
	void aNodeStuckInATransactionHoldsUpTheOtherNodesOnlyUntilTheirLockTimeout() throws Exception {
		CountDownLatch frozen = new CountDownLatch(1);
		CountDownLatch thaw = new CountDownLatch(1);
		try (JdbcHistoryStore nodeA = openStore(); JdbcHistoryStore nodeB = openStore()) {
			ClientFile stuck = nodeA.allocateClientFile("busy");
			ClientFile writer = nodeB.allocateClientFile("busy");
			ClientFile other = nodeB.allocateClientFile("unrelated");
			// node A stops inside a transaction that locked the partition's rows (frozen, paused, cut off)
			CompletableFuture<IntegrationResult> a = holdingThePartitionsLocks(nodeA, "busy", stuck, frozen, thaw,
					List.of());
			assertThat(frozen.await(10, TimeUnit.SECONDS)).isTrue();
			long start = System.nanoTime();
			CompletableFuture<IntegrationResult> sameTarget = CompletableFuture
				.supplyAsync(() -> nodeB.integrate("busy", writer.fileId(), List.of(changeset(1, put("y", 2)))));
			// node B waits for node A's row lock (holding its own write lock) before its other upload comes
			await().atMost(java.time.Duration.ofSeconds(10)).until(() -> EmbeddedDatabase.queryLong(this.url,
					"SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()") > 0);
			CompletableFuture<IntegrationResult> unrelated = CompletableFuture
				.supplyAsync(() -> nodeB.integrate("unrelated", other.fileId(), List.of(changeset(1, put("z", 3)))));
			try {
				assertThat(unrelated.get(30, TimeUnit.SECONDS).latestVersion()).isEqualTo(1);
				assertThat(sameTarget).as("gave up waiting for node A's lock").isCompletedExceptionally();
				// a transient failure: the connection logs one warning line and the client retries
				assertThatThrownBy(sameTarget::join)
					.hasCauseInstanceOf(org.springframework.dao.TransientDataAccessException.class);
				assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(25);
				assertThat(nodeB.latestVersion("busy")).as("nothing of the failed integration").isZero();
			}
			finally {
				thaw.countDown();
				a.get(30, TimeUnit.SECONDS);
			}
			// sent again, as a client does when its upload is not acknowledged
			assertThat(nodeB.integrate("busy", writer.fileId(), List.of(changeset(1, put("y", 2)))).integrated())
				.hasSize(1);
		}
	}

	@Test
	void anIntegrationHoldingThePartitionsRowDoesNotHoldUpAnotherNodesAllocationOnIt() throws Exception {
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch go = new CountDownLatch(1);
		try (JdbcHistoryStore nodeA = openStore(); JdbcHistoryStore nodeB = openStore()) {
			ClientFile a = nodeA.allocateClientFile("p");
			// node A is inside an integration of "p", its client file and partition rows locked
			CompletableFuture<IntegrationResult> integration = holdingThePartitionsLocks(nodeA, "p", a, inside, go,
					List.of(new Operation.Delete("tasks", "x", 5_000)));
			try {
				assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
				// the new client file row references the partition row: its foreign-key check takes a
				// FOR KEY SHARE lock on it, which only a lock for a key change excludes
				CompletableFuture<ClientFile> allocation = CompletableFuture
					.supplyAsync(() -> nodeB.allocateClientFile("p"));
				assertThat(allocation.get(5, TimeUnit.SECONDS).partition()).isEqualTo("p");
				assertThat(integration).as("node A still inside its integration").isNotDone();
			}
			finally {
				go.countDown();
			}
			assertThat(integration.get(10, TimeUnit.SECONDS).latestVersion()).isEqualTo(1);
		}
	}

	@Test
	void aCompactionLetsUploadsToThePartitionThroughBetweenAndDuringItsChunks()
			throws Exception {
		try (JdbcHistoryStore nodeA = openStore(); JdbcHistoryStore nodeB = openStore()) {
			ClientFile a = nodeA.allocateClientFile("p");
			ClientFile b = nodeB.allocateClientFile("p");
			List<Changeset> changesets = new ArrayList<>();
			for (int v = 1; v <= 60; v++) {
				changesets.add(changeset(v, put("t" + v, v)));
			}
			nodeA.integrate("p", a.fileId(), changesets);
			nodeA.compactionChunkRows(10);
			long cutoff = System.currentTimeMillis() + 1;
			try (java.sql.Connection blocker = java.sql.DriverManager.getConnection(this.url, database.user(),
					database.password())) {
				// a reader holds a lock on a row of node A's last chunk: that chunk waits for it
				blocker.setAutoCommit(false);
				blocker.createStatement().executeQuery("SELECT * FROM syncboot_history WHERE server_version = 55 FOR SHARE")
					.close();
				CompletableFuture<Long> compaction = CompletableFuture.supplyAsync(() -> nodeA.compact(cutoff));
				try {
					await().atMost(java.time.Duration.ofSeconds(10)).until(() -> EmbeddedDatabase.queryLong(this.url,
							"SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
									+ "AND datname = current_database()") > 0);
					assertThat(EmbeddedDatabase.queryLong(this.url, "SELECT count(*) FROM syncboot_history"))
						.as("the chunks before it deleted and committed").isEqualTo(10);
					assertThat(nodeB.compactedVersion("p")).as("raised before any delete").isEqualTo(60);
					// node B uploads to the partition while node A's delete waits
					CompletableFuture<IntegrationResult> upload = CompletableFuture.supplyAsync(
							() -> nodeB.integrate("p", b.fileId(), List.of(changeset(1, put("new", 1)))));
					assertThat(upload.get(5, TimeUnit.SECONDS).latestVersion()).isEqualTo(61);
					assertThat(compaction).isNotDone();
				}
				finally {
					blocker.rollback();
				}
				assertThat(compaction.get(10, TimeUnit.SECONDS)).isEqualTo(60);
			}
			assertThat(nodeB.compactedVersion("p")).isEqualTo(60);
			assertThat(nodeB.changesetsAfter("p", 60, 0, 1_000_000).changesets())
				.extracting(ServerChangeset::serverVersion).containsExactly(61L);
			assertThat(nodeB.compact(cutoff)).as("a round repeated deletes nothing more").isZero();
			assertThat(nodeB.compact(System.currentTimeMillis() + 1)).isEqualTo(1);
		}
	}

	@Test
	void announcesACommitOnlyOnceItIsCommittedAndOutsideTheWriteTransaction() throws Exception {
		javax.sql.DataSource target = database.dataSource(this.url);
		List<String> events = new CopyOnWriteArrayList<>();
		try (JdbcHistoryStore node = JdbcHistoryStore.postgresql(recording(target, events))) {
			ClientFile file = node.allocateClientFile("p");
			ClientFile other = node.allocateClientFile("q");
			events.clear();
			node.integrate("p", file.fileId(), List.of(changeset(1, put("a", 1))));
			node.integrateAll(List.of(new io.syncboot.server.store.Integration("p", file.fileId(),
					List.of(changeset(2, put("b", 2)))),
					new io.syncboot.server.store.Integration("q", other.fileId(), List.of(changeset(1, put("c", 3))))),
					(rejected, current) -> List.of());
		}
		List<String> notifications = events.stream().filter(e -> e.contains("pg_notify")).toList();
		assertThat(notifications).isNotEmpty();
		// PostgreSQL serializes the commits of transactions that notify, flush included: a write
		// transaction must not notify; a notification follows the commit of the history it announces
		int firstInsert = indexOf(events, "INSERT INTO syncboot_history", 0);
		int firstCommit = indexOf(events, "<commit>", firstInsert);
		int secondInsert = indexOf(events, "INSERT INTO syncboot_history", firstCommit);
		assertThat(indexOf(events, "<commit>", indexOf(events, "pg_notify", 0))).as("the announcement's own commit")
			.isLessThan(secondInsert);
		int secondCommit = indexOf(events, "<commit>", secondInsert);
		assertThat(firstInsert).isNotNegative();
		assertThat(secondCommit).isNotNegative();
		assertThat(indexOf(events, "pg_notify", 0)).isGreaterThan(firstCommit).isLessThan(secondInsert);
		assertThat(indexOf(events, "pg_notify", secondInsert)).isGreaterThan(secondCommit);
	}

	@Test
	void aLoneAnnouncementIsSentOnAPoolWhoseConnectionsDoNotAutoCommit() throws Exception {
		javax.sql.DataSource target = database.dataSource(this.url);
		JdbcHistoryStore.postgresql(target).close(); // the server salt is made on a connection that auto-commits
		javax.sql.DataSource autoCommitOff = new org.springframework.jdbc.datasource.DelegatingDataSource(target) {
			@Override
			public java.sql.Connection getConnection() throws java.sql.SQLException {
				java.sql.Connection connection = super.getConnection();
				connection.setAutoCommit(false); // as a pool configured with autoCommit=false hands them out
				return connection;
			}
		};
		try (java.sql.Connection listening = target.getConnection();
				JdbcHistoryStore node = JdbcHistoryStore.postgresql(autoCommitOff)) {
			listening.createStatement().execute("LISTEN " + PostgresDialect.CHANNEL);
			ClientFile file = node.allocateClientFile("p");
			node.integrate("p", file.fileId(), List.of(changeset(1, put("a", 1))));
			assertThat(node.latestVersion("p")).isEqualTo(1);
			org.postgresql.PGNotification[] received = listening.unwrap(org.postgresql.PGConnection.class)
				.getNotifications(5_000);
			assertThat(received).as("the announcement of version 1").isNotNull().isNotEmpty();
		}
	}

	private static int indexOf(List<String> events, String fragment, int from) {
		for (int i = Math.max(from, 0); i < events.size(); i++) {
			if (events.get(i).contains(fragment)) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * A data source whose connections record, in {@code events}, each commit and rollback
	 * ({@code "<commit>"}, {@code "<rollback>"}) and each statement prepared, the latter prefixed with the connection's mode ({@code "autocommit "} or
	 * {@code "transaction "}).
	 */
	private static javax.sql.DataSource recording(javax.sql.DataSource target, List<String> events) {
		return new org.springframework.jdbc.datasource.DelegatingDataSource(target) {
			@Override
			public java.sql.Connection getConnection() throws java.sql.SQLException {
				java.sql.Connection connection = super.getConnection();
				return (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
						new Class<?>[] { java.sql.Connection.class }, (proxy, method, args) -> {
							switch (method.getName()) {
								case "commit", "rollback" -> events.add("<" + method.getName() + ">");
								case "prepareStatement" -> events.add((connection.getAutoCommit() ? "autocommit "
										: "transaction ") + args[0]);
								default -> {
								}
							}
							try {
								return method.invoke(connection, args);
							}
							catch (java.lang.reflect.InvocationTargetException ex) {
								throw ex.getCause();
							}
						});
			}
		};
	}

	private void defaultToRepeatableRead() {
		String name = this.url.substring(this.url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
		EmbeddedDatabase.execute(this.url, "ALTER DATABASE " + name
				+ " SET default_transaction_isolation = 'repeatable read'");
	}

	/**
	 * Rejects a changeset of {@code file} on another thread, stopping in the planner (the client file
	 * and partition rows locked) from {@code inside} until {@code release}.
	 */
	private CompletableFuture<IntegrationResult> holdingThePartitionsLocks(JdbcHistoryStore node, String partition,
			ClientFile file, CountDownLatch inside, CountDownLatch release, List<Operation> compensation) {
		return CompletableFuture.supplyAsync(() -> node.reject(partition, file.fileId(),
				List.of(changeset(1, put("x", 1))), (rejected, current) -> {
					inside.countDown();
					try {
						release.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					return compensation;
				}));
	}

	@Test
	void concurrentNodesAllocateGapFreeVersionsWithoutDuplicates() throws Exception {
		int nodes = 3;
		int writersPerNode = 4;
		int uploadsEach = 25;
		List<JdbcHistoryStore> stores = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(nodes * writersPerNode);
		try {
			for (int n = 0; n < nodes; n++) {
				stores.add(openStore());
			}
			List<Future<List<Long>>> results = new ArrayList<>();
			for (int w = 0; w < nodes * writersPerNode; w++) {
				HistoryStore node = stores.get(w % nodes);
				ClientFile file = node.allocateClientFile("shared");
				results.add(pool.submit(() -> {
					List<Long> versions = new ArrayList<>();
					for (int u = 1; u <= uploadsEach; u++) {
						// a document of its own and one of five that every writer overwrites, with
						// values of different sizes (the partition's snapshot size must follow)
						IntegrationResult result = node.integrate("shared", file.fileId(), List.of(
								new Changeset(u, 0, List.of(new Operation.Put("tasks", file.fileId() + "-" + u, 2L * u,
										java.util.Map.of("v", u)), new Operation.Put("tasks", "hot-" + (u % 5), 2L * u + 1,
												java.util.Map.of("v", "x".repeat((int) (file.fileId() % 7) * u)))))));
						result.integrated().forEach(c -> versions.add(c.serverVersion()));
					}
					return versions;
				}));
			}
			Set<Long> all = ConcurrentHashMap.newKeySet();
			int total = 0;
			for (Future<List<Long>> result : results) {
				List<Long> versions = result.get(60, TimeUnit.SECONDS);
				total += versions.size();
				all.addAll(versions);
			}
			int expected = nodes * writersPerNode * uploadsEach;
			assertThat(total).isEqualTo(expected);
			assertThat(all).hasSize(expected);
			assertThat(all.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(expected);
			assertThat(this.store.latestVersion("shared")).isEqualTo(expected);
			List<ServerChangeset> history = new ArrayList<>();
			long cursor = 0;
			while (cursor < expected) {
				var batch = this.store.changesetsAfter("shared", cursor, 0, 1_000_000);
				history.addAll(batch.changesets());
				cursor = batch.scannedVersion();
			}
			assertThat(history).extracting(ServerChangeset::serverVersion)
				.containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, expected).boxed().toList());
			List<DocumentState> states = this.store.snapshot("shared", null, Long.MAX_VALUE).documents();
			assertThat(states).hasSize(expected + 5);
			MessageCodec codec = new MessageCodec();
			assertThat(this.store.snapshotBytesAfter("shared", null)).isEqualTo(states.stream()
				.mapToLong(state -> MessageCodec.utf8Length(codec.encodeDocumentState(state)))
				.sum());
		}
		finally {
			pool.shutdownNow();
			stores.forEach(JdbcHistoryStore::close);
		}
	}

	@Test
	void announcesCommitsToOtherStoresAndCatchesUpAfterALostListener() throws Exception {
		try (JdbcHistoryStore other = openStore()) {
			List<String> notified = new CopyOnWriteArrayList<>();
			List<Integer> catchUps = new CopyOnWriteArrayList<>();
			try (AutoCloseable subscription = other.subscribe(new HistoryStore.CommitListener() {
				@Override
				public void committed(String partition, long latestVersion) {
					notified.add(partition + "@" + latestVersion);
				}

				@Override
				public void catchUp() {
					catchUps.add(1);
				}
			}, Thread::new)) {
				await().atMost(java.time.Duration.ofSeconds(10)).until(() -> catchUps.size() == 1);
				ClientFile file = this.store.allocateClientFile("p");
				this.store.integrate("p", file.fileId(), List.of(changeset(1, put("a", 1)), changeset(2, put("b", 2))));
				await().atMost(java.time.Duration.ofSeconds(10)).until(() -> notified.contains("p@2"));
				EmbeddedDatabase.execute(this.url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
						+ "application_name = '" + PostgresCommitListener.APPLICATION_NAME + "'");
				await().atMost(java.time.Duration.ofSeconds(10)).until(() -> catchUps.size() >= 2);
				this.store.integrate("p", file.fileId(), List.of(changeset(3, put("c", 3))));
				await().atMost(java.time.Duration.ofSeconds(10)).until(() -> notified.contains("p@3"));
			}
		}
	}

}
