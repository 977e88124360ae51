package io.syncboot.server;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.syncboot.core.merge.ReplicaState;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.HybridLogicalClock;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.server.store.jdbc.JdbcDialect;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import io.syncboot.server.store.jdbc.PostgresDialect;
import io.syncboot.test.postgres.EmbeddedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three server nodes on one real PostgreSQL database (in-process nodes on their own ports, and a
 * separate-process node for {@code kill -9}): clients on different nodes converge, a client that
 * moves resumes from its cursor, a killed node loses no acknowledged changeset, a node whose
 * listener connection drops catches up, and a node that shuts down sends its clients elsewhere.
 */
class MultiNodeTests {

	/** How often a node's listener catches up by query (PostgresCommitListener.CATCH_UP_MILLIS). */
	private static final Duration CATCH_UP_INTERVAL = Duration.ofSeconds(5);

	private static EmbeddedDatabase database;

	private String url;

	private final List<SyncServer> nodes = new ArrayList<>();

	@BeforeAll
	static void startDatabase() {
		database = EmbeddedDatabase.start();
	}

	@AfterAll
	static void stopDatabase() {
		database.close();
	}

	@BeforeEach
	void startNodes() {
		this.url = database.createDatabase();
		for (int i = 0; i < 2; i++) {
			this.nodes.add(SyncServer.builder()
				.port(0)
				.jdbcUrl(this.url, database.user(), database.password())
				.allowAnonymous()
				.build()
				.start());
		}
		// the third node on an application's DataSource
		javax.sql.DataSource dataSource = database.dataSource(this.url);
		this.nodes.add(SyncServer.builder().port(0).dataSource(dataSource).allowAnonymous().build().start());
		assertThat(this.nodes.get(2).dataDirectory()).isNull();
	}

	@AfterEach
	void stopNodes() {
		this.nodes.forEach(SyncServer::close);
	}

	private JdbcHistoryStore store() {
		return JdbcHistoryStore.postgresql(this.url, database.user(), database.password());
	}

	@Test
	void clientsOnThreeNodesWriteToOnePartitionAndConverge() throws Exception {
		long seed = System.nanoTime();
		int changesetsEach = 30;
		int clients = 3;
		ExecutorService pool = Executors.newFixedThreadPool(clients);
		List<ReplicaState> replicas = new ArrayList<>();
		try {
			List<CompletableFuture<ReplicaState>> results = new ArrayList<>();
			for (int c = 0; c < clients; c++) {
				URI node = this.nodes.get(c).url();
				long clientSeed = seed + c;
				results.add(CompletableFuture.supplyAsync(
						() -> writeAndFollow(node, clientSeed, changesetsEach, (long) clients * changesetsEach), pool));
			}
			for (CompletableFuture<ReplicaState> result : results) {
				replicas.add(result.get(90, TimeUnit.SECONDS));
			}
		}
		finally {
			pool.shutdownNow();
		}
		try (JdbcHistoryStore store = store()) {
			assertThat(store.latestVersion("shared")).isEqualTo((long) clients * changesetsEach);
			ReplicaState serverState = new ReplicaState();
			store.snapshot("shared", null, Long.MAX_VALUE).documents().forEach(serverState::merge);
			for (ReplicaState replica : replicas) {
				assertThat(replica).as("replica converged, seed " + seed).isEqualTo(serverState);
			}
		}
	}

	/** Uploads random changesets, applies downloads until every writer's changesets arrived. */
	private static ReplicaState writeAndFollow(URI node, long seed, int changesets, long total) {
		Random random = new Random(seed);
		ReplicaState replica = new ReplicaState();
		HybridLogicalClock clock = new HybridLogicalClock(System::currentTimeMillis, 0);
		try (RawSyncClient client = new RawSyncClient(node)) {
			long fileId = client.bindNew(1, "shared").fileId();
			for (int v = 1; v <= changesets; v++) {
				List<Operation> ops = new ArrayList<>();
				for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
					String id = "doc-" + random.nextInt(15);
					long ts = clock.next();
					ops.add(switch (random.nextInt(3)) {
						case 0 -> new Operation.Put("items", id, ts, Map.of("a", random.nextInt(100), "b", "x"));
						case 1 -> new Operation.Update("items", id, ts, Map.of("a", random.nextInt(100)));
						default -> new Operation.Delete("items", id, ts);
					});
				}
				ops.forEach(op -> replica.apply(op, fileId));
				client.upload(1, new Changeset(v, 0, ops));
				if (random.nextInt(4) == 0) {
					Thread.sleep(random.nextInt(10));
				}
			}
			long cursor = 0;
			long ack = 0;
			Set<Long> seen = new HashSet<>();
			while (cursor < total || ack < changesets) {
				SyncMessage.Download download = client.expect(SyncMessage.Download.class);
				assertThat(download.serverVersion()).isGreaterThanOrEqualTo(cursor);
				for (ServerChangeset changeset : download.changesets()) {
					assertThat(changeset.originFileId()).isNotEqualTo(fileId);
					assertThat(seen.add(changeset.serverVersion())).as("duplicate").isTrue();
					replica.apply(changeset);
				}
				download.documents().forEach(replica::merge);
				cursor = download.serverVersion();
				ack = download.uploadAck();
			}
			assertThat(cursor).isEqualTo(total);
			return replica;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static Changeset changeset(long clientVersion, String id, String payload) {
		return new Changeset(clientVersion, 0,
				List.of(new Operation.Put("notes", id, 1_000 + clientVersion, Map.of("text", payload))));
	}

	@Test
	void aClientMovedToAnotherNodeDownloadsOnlyTheNewChanges() throws Exception {
		String payload = "x".repeat(2_000);
		try (RawSyncClient writer = new RawSyncClient(this.nodes.get(0).url())) {
			writer.bindNew(1, "moving");
			for (int v = 1; v <= 20; v++) {
				writer.upload(1, changeset(v, "n" + v, payload));
			}
			writer.downloadsUntil(d -> d.uploadAck() == 20);
			RawSyncClient.Identity reader;
			long cursor;
			long cursorSalt;
			try (RawSyncClient first = new RawSyncClient(this.nodes.get(1).url())) {
				reader = first.bindNew(1, "moving");
				List<SyncMessage.Download> downloads = first.downloadsUntil(d -> d.serverVersion() == 20);
				cursor = downloads.get(downloads.size() - 1).serverVersion();
				cursorSalt = downloads.get(downloads.size() - 1).serverVersionSalt();
				assertThat(cursorSalt).as("a bootstrap's cursor has a salt").isNotZero();
				int before = first.rawTexts().stream().mapToInt(t -> t.getBytes(StandardCharsets.UTF_8).length).sum();
				assertThat(before).isGreaterThan(20 * 2_000);
			}
			for (int v = 21; v <= 25; v++) {
				writer.upload(1, changeset(v, "n" + v, payload));
			}
			writer.downloadsUntil(d -> d.uploadAck() == 25);
			try (RawSyncClient moved = new RawSyncClient(this.nodes.get(2).url())) {
				moved.send(new SyncMessage.Bind(1, "moving", false));
				moved.send(new SyncMessage.Ident(1, reader.fileId(), reader.fileSalt(), cursor, cursorSalt,
						reader.serverSalt()));
				List<SyncMessage.Download> downloads = moved.downloadsUntil(d -> d.serverVersion() == 25);
				assertThat(downloads.stream().flatMap(d -> d.changesets().stream()).map(ServerChangeset::serverVersion))
					.containsExactly(21L, 22L, 23L, 24L, 25L);
				assertThat(downloads.stream().mapToLong(d -> d.documents().size()).sum()).isZero();
				int after = moved.rawTexts().stream().mapToInt(t -> t.getBytes(StandardCharsets.UTF_8).length).sum();
				assertThat(after).as("bytes downloaded after the move").isBetween(5 * 2_000, 5 * 2_000 + 2_000);
			}
		}
	}

	private ServerProcess startProcessNode() throws Exception {
		return ServerProcess.start("--port=0", "--jdbc-url=" + this.url, "--jdbc-user=" + database.user(),
				"--jdbc-password=" + database.password(), "--allow-anonymous");
	}

	@Test
	void aNodeKilledWithSigkillLosesNoAcknowledgedChangesetAndItsClientsResumeElsewhere() throws Exception {
		int total = 60;
		ServerProcess killed = startProcessNode();
		RawSyncClient.Identity identity;
		long acknowledged = 0;
		long cursor = 0;
		long cursorSalt = 0;
		try (RawSyncClient observer = new RawSyncClient(this.nodes.get(0).url())) {
			observer.bindNew(1, "crash");
			try (RawSyncClient client = new RawSyncClient(killed.url())) {
				identity = client.bindNew(1, "crash");
				// pipelined uploads: some are acknowledged before the kill, some are in flight
				for (int v = 1; v <= total; v++) {
					client.upload(1, changeset(v, "c" + v, "v" + v));
				}
				while (acknowledged < 15) {
					SyncMessage.Download download = client.expect(SyncMessage.Download.class);
					acknowledged = Math.max(acknowledged, download.uploadAck());
					cursor = download.serverVersion();
					cursorSalt = download.serverVersionSalt();
				}
				killed.process().destroyForcibly();
				assertThat(killed.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
			}
			try (JdbcHistoryStore store = store()) {
				assertThat(store.findClientFile(identity.fileId()).orElseThrow().lastIntegratedClientVersion())
					.as("acknowledged changesets are durable").isGreaterThanOrEqualTo(acknowledged);
			}
			// the client resumes on another node and sends again what it did not see acknowledged: the
			// server skips what it integrated before the kill and integrates the rest
			try (RawSyncClient resumed = new RawSyncClient(this.nodes.get(1).url())) {
				resumed.send(new SyncMessage.Bind(1, "crash", false));
				resumed.send(new SyncMessage.Ident(1, identity.fileId(), identity.fileSalt(), cursor, cursorSalt,
						identity.serverSalt()));
				for (long v = acknowledged + 1; v <= total; v++) {
					resumed.upload(1, changeset(v, "c" + v, "v" + v));
				}
				if (acknowledged < total) {
					resumed.downloadsUntil(d -> d.uploadAck() == total);
				}
			}
			Set<String> ids = new HashSet<>();
			Set<Long> versions = new HashSet<>();
			while (ids.size() < total) {
				for (ServerChangeset changeset : observer.expect(SyncMessage.Download.class).changesets()) {
					assertThat(versions.add(changeset.serverVersion())).isTrue();
					changeset.operations().forEach(op -> ids.add(op.id()));
				}
			}
			assertThat(versions).hasSize(total);
		}
		try (JdbcHistoryStore store = store()) {
			assertThat(store.latestVersion("crash")).isEqualTo(total);
		}
	}

	@Test
	void aNodeWhoseListenerConnectionDropsCatchesUpWithoutMissingAChange() throws Exception {
		try (RawSyncClient writer = new RawSyncClient(this.nodes.get(0).url());
				RawSyncClient reader = new RawSyncClient(this.nodes.get(1).url())) {
			writer.bindNew(1, "hints");
			reader.bindNew(1, "hints");
			reader.expect(SyncMessage.Download.class);
			writer.upload(1, changeset(1, "h1", "one"));
			assertThat(reader.expect(SyncMessage.Download.class).changesets()).extracting(ServerChangeset::serverVersion)
				.containsExactly(1L);
			for (int round = 2; round <= 4; round++) {
				// every node's listener connection is cut; the commit's notification reaches nobody
				EmbeddedDatabase.execute(this.url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
						+ "WHERE application_name = 'syncboot-listener'");
				writer.upload(1, changeset(round, "h" + round, "v" + round));
				SyncMessage message = reader.poll(Duration.ofSeconds(4));
				assertThat(message).as("the reader's node caught up after losing its listener").isInstanceOf(
						SyncMessage.Download.class);
				assertThat(((SyncMessage.Download) message).changesets()).extracting(ServerChangeset::serverVersion)
					.containsExactly((long) round);
			}
		}
	}

	@Test
	void aCommitThatWasNeverAnnouncedReachesTheOtherNodesClientsByCatchUp() throws Exception {
		// a node that stops between its commit and the notification it sends after it: a store that
		// commits as every node does but announces nothing
		javax.sql.DataSource dataSource = database.dataSource(this.url);
		JdbcDialect postgres = PostgresDialect.INSTANCE;
		JdbcDialect silent = new JdbcDialect() {

			@Override
			public String name() {
				return postgres.name();
			}

			@Override
			public String migrationLocation() {
				return postgres.migrationLocation();
			}

			@Override
			public String integrationLockClause() {
				return postgres.integrationLockClause();
			}

			@Override
			public String writeTransactionSetup() {
				return postgres.writeTransactionSetup();
			}

			@Override
			public String commitNotificationSql() {
				return null;
			}

		};
		try (JdbcHistoryStore crashed = new JdbcHistoryStore(dataSource, dataSource, silent, List.of());
				RawSyncClient reader = new RawSyncClient(this.nodes.get(1).url())) {
			reader.bindNew(1, "unannounced");
			reader.expect(SyncMessage.Download.class);
			long fileId = crashed.allocateClientFile("unannounced").fileId();
			crashed.integrate("unannounced", fileId, List.of(changeset(1, "u1", "one")));
			// due at the next catch-up; a wide bound for a loaded machine (it returns once the download is in)
			SyncMessage message = reader.poll(CATCH_UP_INTERVAL.multipliedBy(4));
			assertThat(message).as("the reader's node caught up by its periodic query").isInstanceOf(
					SyncMessage.Download.class);
			assertThat(((SyncMessage.Download) message).changesets()).extracting(ServerChangeset::serverVersion)
				.containsExactly(1L);
		}
	}

	@Test
	void aNodeShuttingDownSendsItsClientsElsewhereAndLosesNothingInFlight() throws Exception {
		int total = 40;
		SyncServer stopping = this.nodes.get(2);
		RawSyncClient.Identity identity;
		long acknowledged = 0;
		try (RawSyncClient client = new RawSyncClient(stopping.url())) {
			identity = client.bindNew(1, "draining");
			for (int v = 1; v <= total; v++) {
				client.upload(1, changeset(v, "d" + v, "v" + v));
			}
			stopping.close();
			SyncMessage message;
			while (!((message = client.next()) instanceof SyncMessage.Error)) {
				acknowledged = Math.max(acknowledged, ((SyncMessage.Download) message).uploadAck());
			}
			assertThat(((SyncMessage.Error) message).code()).isEqualTo(ErrorCode.SERVER_SHUTTING_DOWN);
			assertThat(client.awaitCloseCode()).isEqualTo(1001);
		}
		try (RawSyncClient resumed = new RawSyncClient(this.nodes.get(0).url())) {
			resumed.send(new SyncMessage.Bind(1, "draining", false));
			resumed.send(new SyncMessage.Ident(1, identity.fileId(), identity.fileSalt(), 0, 0, identity.serverSalt()));
			for (long v = acknowledged + 1; v <= total; v++) {
				resumed.upload(1, changeset(v, "d" + v, "v" + v));
			}
			if (acknowledged < total) {
				resumed.downloadsUntil(d -> d.uploadAck() == total);
			}
		}
		try (JdbcHistoryStore store = store()) {
			assertThat(store.latestVersion("draining")).isEqualTo(total);
			assertThat(store.snapshot("draining", null, Long.MAX_VALUE).documents()).hasSize(total);
		}
	}

}
