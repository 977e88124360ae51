package io.syncboot.client.e2e;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.syncboot.client.ConnectionState;
import io.syncboot.client.DatabaseChange;
import io.syncboot.client.Document;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import io.syncboot.client.SyncUser;
import io.syncboot.server.SyncServer;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import io.syncboot.test.postgres.EmbeddedDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

import static io.syncboot.client.e2e.SyncTestSupport.LONG;
import static io.syncboot.client.e2e.SyncTestSupport.contents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end: real clients, real SQLite files, real WebSockets, a real server; the same suite with
 * the server on its embedded store (a data directory) and on PostgreSQL (one embedded PostgreSQL
 * for the class, a fresh database per test).
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = { "sqlite", "postgresql" })
class SyncIntegrationTests {

	private static EmbeddedDatabase database;

	@Parameter
	String store;

	/** The test's PostgreSQL database, {@code null} on the embedded store. */
	private String jdbcUrl;

	@TempDir
	Path serverDir;

	@TempDir
	Path dirA;

	@TempDir
	Path dirB;

	@TempDir
	Path dirC;

	private SyncServer server;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeParameterizedClassInvocation
	static void startDatabase(String store) {
		if (store.equals("postgresql")) {
			database = EmbeddedDatabase.start();
		}
	}

	@AfterParameterizedClassInvocation
	static void stopDatabase() {
		if (database != null) {
			database.close();
			database = null;
		}
	}

	@BeforeEach
	void startServer() {
		if (this.store.equals("postgresql")) {
			this.jdbcUrl = database.createDatabase();
		}
		this.server = startServer(0);
	}

	/** A server on this test's data: the same data directory or the same PostgreSQL database each time. */
	private SyncServer startServer(int port) {
		if (this.jdbcUrl != null) {
			return SyncTestSupport.startServer(database, this.jdbcUrl, port);
		}
		return SyncTestSupport.startServer(this.serverDir, port);
	}

	@AfterEach
	void stopAll() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
		this.server.close();
	}

	private SyncManager manager(Path dir) {
		SyncManager manager = SyncTestSupport.manager(this.server.url(), dir);
		this.closeables.add(manager);
		return manager;
	}

	private static SyncDatabase open(SyncManager manager, String partition) {
		SyncUser user = manager.logIn(SyncCredentials.anonymous());
		return manager.open(SyncConfiguration.builder(user, partition).build());
	}

	private static SyncSession session(SyncManager manager, SyncDatabase db) {
		return manager.sessionFor(db).orElseThrow();
	}

	@Test
	void writesOnEitherClientReachTheOtherAndConcurrentUpdatesConverge() {
		SyncManager a = manager(this.dirA);
		SyncManager b = manager(this.dirB);
		SyncDatabase dbA = open(a, "shared");
		SyncDatabase dbB = open(b, "shared");

		dbA.collection("tasks").put("t1", Map.of("title", "from A", "done", false));
		dbB.collection("tasks").put("t2", Map.of("title", "from B"));

		await().atMost(LONG).until(() -> dbB.collection("tasks").get("t1").isPresent());
		await().atMost(LONG).until(() -> dbA.collection("tasks").get("t2").isPresent());
		assertThat(dbB.collection("tasks").get("t1").map(Document::fields))
			.contains(Map.of("title", "from A", "done", false));
		assertThat(dbA.collection("tasks").get("t2").map(d -> d.get("title"))).contains("from B");

		// concurrent updates of one field: both offline, both write, both reconnect
		SyncSession sessionA = session(a, dbA);
		SyncSession sessionB = session(b, dbB);
		sessionA.suspend();
		sessionB.suspend();
		dbA.collection("tasks").update("t1", Map.of("title", "A's title"));
		dbB.collection("tasks").update("t1", Map.of("title", "B's title", "done", true));
		sessionA.resume();
		sessionB.resume();
		assertThat(sessionA.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(sessionB.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(sessionA.downloadAllServerChanges(LONG)).isTrue();
		assertThat(sessionB.downloadAllServerChanges(LONG)).isTrue();

		Map<String, Map<String, Object>> onA = contents(dbA.collection("tasks"));
		Map<String, Map<String, Object>> onB = contents(dbB.collection("tasks"));
		assertThat(onA).isEqualTo(onB);
		assertThat(onA.get("t1").get("title")).isIn("A's title", "B's title");
		assertThat(onA.get("t1").get("done")).isEqualTo(true);

		SyncManager c = manager(this.dirC);
		SyncDatabase dbC = open(c, "shared");
		assertThat(session(c, dbC).downloadAllServerChanges(LONG)).isTrue();
		assertThat(contents(dbC.collection("tasks"))).isEqualTo(onA);
		assertThat(dbA.pendingChanges()).isZero();
		assertThat(dbB.isDocumentPending("tasks", "t1")).isFalse();
	}

	@Test
	void thousandChangesWrittenWhileSuspendedArriveExactlyOnce() throws Exception {
		SyncManager a = manager(this.dirA);
		SyncManager b = manager(this.dirB);
		SyncDatabase dbA = open(a, "bulk");
		SyncDatabase dbB = open(b, "bulk");
		Deliveries deliveries = new Deliveries();
		dbB.addChangeListener(deliveries::record);
		SyncSession sessionA = session(a, dbA);
		await().atMost(LONG).until(() -> sessionA.connectionState() == ConnectionState.CONNECTED);

		sessionA.suspend();
		assertThat(sessionA.state()).isEqualTo(SyncSessionState.INACTIVE);
		await().atMost(LONG).until(() -> sessionA.connectionState() == ConnectionState.DISCONNECTED);
		for (int i = 0; i < 1000; i++) {
			dbA.collection("items").put("i" + i, Map.of("n", i));
		}
		assertThat(dbA.pendingChanges()).isEqualTo(1000);
		Thread.sleep(300);
		assertThat(deliveries.remoteIds()).isEmpty();

		sessionA.resume();
		assertThat(sessionA.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(dbA.pendingChanges()).isZero();
		await().atMost(LONG).until(() -> deliveries.remoteIds().size() == 1000);
		assertThat(session(b, dbB).downloadAllServerChanges(LONG)).isTrue();

		deliveries.assertEachExactlyOnce(1000);
		assertThat(dbB.collection("items").count()).isEqualTo(1000);
		assertThat(serverVersions("bulk")).isEqualTo(1000);
	}

	@Test
	void thousandChangesWrittenWhileTheServerIsDownArriveExactlyOnce() throws Exception {
		SyncManager a = manager(this.dirA);
		SyncManager b = manager(this.dirB);
		SyncDatabase dbA = open(a, "outage");
		SyncDatabase dbB = open(b, "outage");
		Deliveries deliveries = new Deliveries();
		dbB.addChangeListener(deliveries::record);
		SyncSession sessionA = session(a, dbA);
		SyncSession sessionB = session(b, dbB);
		List<Throwable> errors = new CopyOnWriteArrayList<>();
		sessionA.addConnectionStateListener((from, to, error) -> {
			if (error != null) {
				errors.add(error);
			}
		});
		await().atMost(LONG).until(() -> sessionA.connectionState() == ConnectionState.CONNECTED
				&& sessionB.connectionState() == ConnectionState.CONNECTED);
		// one change before the outage: the restarted server must still have it (same data, no client reset)
		dbB.collection("items").put("before", Map.of("n", -1));
		assertThat(sessionB.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(sessionA.downloadAllServerChanges(LONG)).isTrue();
		assertThat(dbA.collection("items").get("before")).isPresent();

		int port = this.server.port();
		this.server.close();
		await().atMost(LONG).until(() -> sessionA.connectionState() != ConnectionState.CONNECTED);
		for (int i = 0; i < 1000; i++) {
			dbA.collection("items").put("i" + i, Map.of("n", i));
		}
		assertThat(dbA.pendingChanges()).isEqualTo(1000);
		assertThat(sessionA.state()).isEqualTo(SyncSessionState.ACTIVE);

		this.server = startServer(port);
		assertThat(this.server.dataDirectory()).isEqualTo((this.jdbcUrl != null) ? null : this.serverDir);
		assertThat(sessionA.uploadAllLocalChanges(LONG)).isTrue();
		await().atMost(LONG).until(() -> deliveries.remoteIds().size() == 1000);
		assertThat(sessionB.downloadAllServerChanges(LONG)).isTrue();

		deliveries.assertEachExactlyOnce(1000);
		assertThat(errors).isNotEmpty();
		assertThat(sessionA.state()).isEqualTo(SyncSessionState.ACTIVE);
		assertThat(dbA.collection("items").count()).isEqualTo(1001);
		assertThat(dbB.collection("items").count()).isEqualTo(1001);
		assertThat(contents(dbB.collection("items"))).isEqualTo(contents(dbA.collection("items")));
		assertThat(serverVersions("outage")).as("the history from before the restart is still there").isEqualTo(1001);
	}

	@Test
	void aFreshClientBootstrapsTenThousandDocuments() {
		SyncManager a = manager(this.dirA);
		SyncDatabase dbA = open(a, "big");
		for (int block = 0; block < 20; block++) {
			int first = block * 500;
			dbA.write(tx -> {
				for (int i = first; i < first + 500; i++) {
					tx.collection((i % 2 == 0) ? "even" : "odd")
						.put("doc-" + i, Map.of("n", i, "label", "document number " + i, "tags", List.of("t" + (i % 7))));
				}
			});
		}
		dbA.collection("even").update("doc-0", Map.of("label", "changed"));
		dbA.collection("odd").delete("doc-1");
		assertThat(session(a, dbA).uploadAllLocalChanges(LONG)).isTrue();

		SyncManager c = manager(this.dirC);
		SyncDatabase dbC = open(c, "big");
		assertThat(session(c, dbC).downloadAllServerChanges(LONG)).isTrue();

		assertThat(dbC.collection("even").count()).isEqualTo(5000);
		assertThat(dbC.collection("odd").count()).isEqualTo(4999);
		assertThat(contents(dbC.collection("even"))).isEqualTo(contents(dbA.collection("even")));
		assertThat(contents(dbC.collection("odd"))).isEqualTo(contents(dbA.collection("odd")));
		assertThat(dbC.collection("even").get("doc-0").map(d -> d.get("label"))).contains("changed");
	}

	@Test
	void aRemoteChangeTellsWhenItsWriterCommittedIt() {
		SyncManager a = manager(this.dirA);
		SyncManager b = manager(this.dirB);
		SyncDatabase dbA = open(a, "times");
		SyncDatabase dbB = open(b, "times");
		List<DatabaseChange> onA = new CopyOnWriteArrayList<>();
		dbA.addChangeListener(onA::add);
		Map<DatabaseChange, Instant> onB = new ConcurrentHashMap<>();
		dbB.addChangeListener(change -> onB.put(change, Instant.now()));
		assertThat(session(b, dbB).downloadAllServerChanges(LONG)).isTrue();

		Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		dbA.collection("items").put("x", Map.of("n", 1));
		await().atMost(LONG).until(() -> onB.keySet().stream().anyMatch(change -> change.contains("items", "x")));

		Map.Entry<DatabaseChange, Instant> received = onB.entrySet().stream()
			.filter(entry -> entry.getKey().contains("items", "x")).findFirst().orElseThrow();
		assertThat(received.getKey().remote()).isTrue();
		assertThat(received.getKey().writtenAt()).as("when A committed it, by A's clock").isNotNull()
			.isBetween(before, received.getValue());
		assertThat(onA).isNotEmpty().allSatisfy(change -> {
			assertThat(change.remote()).isFalse();
			assertThat(change.writtenAt()).as("a local write").isNull();
		});

		SyncManager c = manager(this.dirC);
		SyncDatabase dbC = open(c, "times");
		List<DatabaseChange> onC = new CopyOnWriteArrayList<>();
		dbC.addChangeListener(onC::add);
		assertThat(session(c, dbC).downloadAllServerChanges(LONG)).isTrue();
		await().atMost(LONG).until(() -> onC.stream().anyMatch(change -> change.contains("items", "x")));
		assertThat(onC).allSatisfy(change -> assertThat(change.writtenAt()).as("a snapshot's states").isNull());
	}

	@Test
	void partitionsAreIsolated() {
		SyncManager a = manager(this.dirA);
		SyncManager b = manager(this.dirB);
		SyncDatabase p = open(a, "P");
		SyncDatabase qOnA = open(a, "Q");
		SyncDatabase qOnB = open(b, "Q");
		Deliveries onQ = new Deliveries();
		qOnA.addChangeListener(onQ::record);
		qOnB.addChangeListener(onQ::record);

		for (int i = 0; i < 20; i++) {
			p.collection("tasks").put("p" + i, Map.of("partition", "P"));
		}
		qOnB.collection("tasks").put("q0", Map.of("partition", "Q"));
		assertThat(session(a, p).uploadAllLocalChanges(LONG)).isTrue();
		assertThat(session(b, qOnB).uploadAllLocalChanges(LONG)).isTrue();
		assertThat(session(a, qOnA).downloadAllServerChanges(LONG)).isTrue();
		assertThat(session(b, qOnB).downloadAllServerChanges(LONG)).isTrue();
		assertThat(session(a, p).downloadAllServerChanges(LONG)).isTrue();

		assertThat(contents(qOnA.collection("tasks"))).containsOnlyKeys("q0");
		assertThat(contents(qOnB.collection("tasks"))).containsOnlyKeys("q0");
		assertThat(contents(p.collection("tasks"))).hasSize(20).doesNotContainKey("q0");
		assertThat(onQ.remoteIds()).containsOnlyKeys("tasks/q0");
	}

	private long serverVersions(String partition) {
		this.server.close();
		JdbcHistoryStore history = (this.jdbcUrl != null)
				? JdbcHistoryStore.postgresql(this.jdbcUrl, database.user(), database.password())
				: JdbcHistoryStore.sqlite(this.serverDir);
		try (var store = new ClosingStore(history)) {
			return store.store.latestVersion(partition);
		}
	}

	/** Counts how often each document id was reported as changed remotely. */
	static final class Deliveries {

		private final Map<String, AtomicInteger> remote = new ConcurrentHashMap<>();

		void record(DatabaseChange change) {
			if (!change.remote()) {
				return;
			}
			change.changes().forEach((collection, ids) -> ids
				.forEach(id -> this.remote.computeIfAbsent(collection + "/" + id, k -> new AtomicInteger()).incrementAndGet()));
		}

		Map<String, AtomicInteger> remoteIds() {
			return this.remote;
		}

		void assertEachExactlyOnce(int expected) {
			assertThat(this.remote).hasSize(expected);
			assertThat(this.remote.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
		}

	}

	private record ClosingStore(JdbcHistoryStore store) implements AutoCloseable {

		@Override
		public void close() {
			this.store.close();
		}

	}

}
