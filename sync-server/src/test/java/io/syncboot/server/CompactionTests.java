package io.syncboot.server;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.LongStream;

import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import io.syncboot.test.postgres.EmbeddedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * History compaction under load, on the embedded store (one node) and on PostgreSQL (two nodes):
 * a writer keeps committing while every node compacts every 200 ms with a 2 s retention; a client
 * that follows live and one that reconnects within the retention miss nothing, a client whose
 * cursor is older than the retention gets {@code CLIENT_FILE_EXPIRED} (222), and a fresh client
 * bootstraps everything. The test drives the compaction ({@link SyncServerEngine#compactNow()}; the
 * engines' own timer is off) so that it can hold it: compaction is time-based, and a slow machine
 * could otherwise take longer than the retention to reconnect a client.
 */
class CompactionTests {

	private static final Duration RETENTION = Duration.ofSeconds(2);

	private static final Duration COMPACTION_INTERVAL = Duration.ofMillis(200);

	private static EmbeddedDatabase database;

	@TempDir
	Path dataDirectory;

	private final List<SyncServer> nodes = new ArrayList<>();

	private String url;

	private final ScheduledExecutorService compactor = Executors.newScheduledThreadPool(2);

	// compactions run under the read lock; the test holds the write lock to hold them (waiting for a running one)
	private final ReadWriteLock compaction = new ReentrantReadWriteLock();

	@BeforeAll
	static void startDatabase() {
		database = EmbeddedDatabase.start();
	}

	@AfterAll
	static void stopDatabase() {
		database.close();
	}

	@AfterEach
	void stopNodes() throws InterruptedException {
		this.compactor.shutdownNow();
		try {
			assertThat(this.compactor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			this.nodes.forEach(SyncServer::close);
		}
	}

	private void startNodes(String backend) {
		int count = backend.equals("sqlite") ? 1 : 2;
		if (!backend.equals("sqlite")) {
			this.url = database.createDatabase();
		}
		for (int i = 0; i < count; i++) {
			SyncServer.Builder builder = SyncServer.builder()
				.port(0)
				.allowAnonymous()
				.historyRetention(RETENTION)
				.compactionInterval(Duration.ofDays(1)); // compacted by the test: see compactEvery
			if (backend.equals("sqlite")) {
				builder.dataDirectory(this.dataDirectory);
			}
			else {
				builder.jdbcUrl(this.url, database.user(), database.password());
			}
			this.nodes.add(builder.build().start());
		}
	}

	/** Compacts on every node every {@link #COMPACTION_INTERVAL}, unless held. */
	private void compactEvery() {
		for (SyncServer node : this.nodes) {
			SyncServerEngine engine = node.engine();
			this.compactor.scheduleWithFixedDelay(() -> {
				if (this.compaction.readLock().tryLock()) {
					try {
						engine.compactNow();
					}
					finally {
						this.compaction.readLock().unlock();
					}
				}
			}, 0, COMPACTION_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private URI node(int i) {
		return this.nodes.get(i % this.nodes.size()).url();
	}

	/** Reads downloads until the cursor reaches {@code target}; returns the server versions received. */
	private static List<Long> follow(RawSyncClient client, long target) {
		return follow(client, -1, target);
	}

	/** Reads downloads from {@code cursor} until it reaches {@code target}; returns the server versions received. */
	private static List<Long> follow(RawSyncClient client, long cursor, long target) {
		List<Long> versions = new ArrayList<>();
		while (cursor < target) {
			SyncMessage.Download download = client.expect(SyncMessage.Download.class);
			download.changesets().stream().map(ServerChangeset::serverVersion).forEach(versions::add);
			cursor = download.serverVersion();
		}
		return versions;
	}

	@ParameterizedTest
	@ValueSource(strings = { "sqlite", "postgresql" })
	void compactionUnderLoadKeepsClientsWithinRetentionAndResetsTheOnesBehindIt(String backend) throws Exception {
		startNodes(backend);
		// held until the brief client is back (with no compaction before, its cursor cannot fall behind
		// the horizon, however slow its reconnection)
		this.compaction.writeLock().lock();
		compactEvery();
		int total = 100;
		try (RawSyncClient writer = new RawSyncClient(node(0));
				RawSyncClient live = new RawSyncClient(node(1));
				RawSyncClient stale = new RawSyncClient(node(0))) {
			RawSyncClient.Identity staleIdentity = stale.bindNew(1, "log");
			live.bindNew(1, "log");
			RawSyncClient brief = new RawSyncClient(node(1));
			RawSyncClient.Identity briefIdentity = brief.bindNew(1, "log");
			writer.bindNew(1, "log");
			long[] sentAt = new long[total + 1];
			AtomicLong firstWithinRetention = new AtomicLong();
			AtomicLong compactedThen = new AtomicLong();
			CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
				try {
					for (int v = 1; v <= total; v++) {
						if (v == total / 2) {
							// the second half is written while the history before it is being removed
							await().atMost(Duration.ofSeconds(60))
								.until(() -> this.nodes.get(0).engine().store().compactedVersion("log") > 1);
						}
						if (v == total * 3 / 4) {
							// with compaction held (once one under way is done), every compaction so far cut at
							// least a retention before now: nothing sent since then may have been compacted
							if (!this.compaction.writeLock().tryLock(60, TimeUnit.SECONDS)) {
								throw new IllegalStateException("compaction was held for a minute");
							}
							try {
								long cutoffBound = System.currentTimeMillis() - RETENTION.toMillis();
								int first = v;
								while (first > 1 && sentAt[first - 1] >= cutoffBound) {
									first--;
								}
								firstWithinRetention.set(first);
								compactedThen.set(this.nodes.get(0).engine().store().compactedVersion("log"));
							}
							finally {
								this.compaction.writeLock().unlock();
							}
						}
						sentAt[v] = System.currentTimeMillis();
						writer.upload(1, new Changeset(v, 0,
								List.of(new Operation.Put("log", "e" + v, 1_000 + v, Map.of("n", v)))));
						Thread.sleep(40);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			assertThat(follow(stale, 1)).containsExactly(1L);
			stale.close();
			// a client that drops out briefly (well within the retention) and comes back on another node
			List<Long> briefVersions = new ArrayList<>(follow(brief, 30));
			long briefCursor = briefVersions.get(briefVersions.size() - 1);
			brief.close();
			Thread.sleep(300);
			try (RawSyncClient back = new RawSyncClient(node(0))) {
				back.send(new SyncMessage.Bind(1, "log", false));
				back.send(new SyncMessage.Ident(1, briefIdentity.fileId(), briefIdentity.fileSalt(), briefCursor, 0,
						briefIdentity.serverSalt()));
				SyncMessage.Download resumed = back.expect(SyncMessage.Download.class);
				resumed.changesets().stream().map(ServerChangeset::serverVersion).forEach(briefVersions::add);
				this.compaction.writeLock().unlock();
				briefVersions.addAll(follow(back, resumed.serverVersion(), total));
			}
			assertThat(briefVersions).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
			assertThat(follow(live, total)).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
			load.get(60, TimeUnit.SECONDS);
			assertThat(compactedThen.get()).as("compacted up to, while written")
				.isGreaterThan(1)
				.isLessThan(firstWithinRetention.get());
			this.compaction.writeLock().lock(); // waits for a compaction under way: its deletions are done
			try (JdbcHistoryStore store = openStore(backend)) {
				assertThat(store.compactedVersion("log")).as("the history was compacted while written").isGreaterThan(1);
				assertThat(store.changesetsAfter("log", 0, 0, Long.MAX_VALUE).changesets())
					.hasSizeLessThan(total);
			}
			try (RawSyncClient expired = new RawSyncClient(node(1))) {
				expired.send(new SyncMessage.Bind(1, "log", false));
				expired.send(new SyncMessage.Ident(1, staleIdentity.fileId(), staleIdentity.fileSalt(), 1, 0,
						staleIdentity.serverSalt()));
				SyncMessage.Error error = expired.expect(SyncMessage.Error.class);
				assertThat(error.code()).isEqualTo(ErrorCode.CLIENT_FILE_EXPIRED);
				assertThat(error.session()).isEqualTo(1);
			}
			try (RawSyncClient fresh = new RawSyncClient(node(1))) {
				fresh.bindNew(1, "log");
				List<SyncMessage.Download> downloads = fresh.downloadsUntil(d -> d.serverVersion() == total);
				assertThat(downloads.stream().mapToLong(d -> d.documents().size()).sum()).isEqualTo(total);
			}
		}
	}

	@Test
	void anExpiredClientLearnsWhatWasIntegratedOfItsUploadsBeforeItIsToldToReset() {
		try (SyncServer server = SyncServer.builder().port(0).allowAnonymous().dataDirectory(this.dataDirectory)
			.historyRetention(Duration.ofSeconds(1)).compactionInterval(Duration.ofDays(1)).build().start();
				RawSyncClient writer = new RawSyncClient(server.url())) {
			RawSyncClient.Identity file = writer.bindNew(1, "away");
			writer.expect(SyncMessage.Download.class);
			writer.upload(1, new Changeset(1, 0, List.of(new Operation.Put("log", "e1", 1_001, Map.of("n", 1)))));
			SyncMessage.Download firstAck = writer.expect(SyncMessage.Download.class);
			assertThat(firstAck.uploadAck()).isEqualTo(1);
			// the second upload is integrated, but its ack never reaches the device, which then stays away
			writer.upload(1, new Changeset(2, 1, List.of(new Operation.Put("log", "e2", 1_002, Map.of("n", 2)))));
			assertThat(writer.expect(SyncMessage.Download.class).uploadAck()).isEqualTo(2);
			writer.close();
			SyncServerEngine engine = server.engine();
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				engine.compactNow();
				return engine.store().compactedVersion("away") > firstAck.serverVersion();
			});

			try (RawSyncClient back = new RawSyncClient(server.url())) {
				back.send(new SyncMessage.Bind(1, "away", false));
				back.send(new SyncMessage.Ident(1, file.fileId(), file.fileSalt(), firstAck.serverVersion(),
						firstAck.serverVersionSalt(), file.serverSalt()));
				SyncMessage.Download ack = back.expect(SyncMessage.Download.class);
				assertThat(ack.lastIntegratedClientVersion())
					.as("the reset re-commits what the server may have with the stamps it had").isEqualTo(2);
				assertThat(ack.uploadAck()).as("this session uploaded nothing").isZero();
				assertThat(ack.serverVersion()).as("the cursor stays").isEqualTo(firstAck.serverVersion());
				assertThat(ack.serverVersionSalt()).isEqualTo(firstAck.serverVersionSalt());
				assertThat(ack.changesets()).isEmpty();
				assertThat(ack.documents()).isEmpty();
				SyncMessage.Error expired = back.expect(SyncMessage.Error.class);
				assertThat(expired.code()).isEqualTo(ErrorCode.CLIENT_FILE_EXPIRED);
				assertThat(expired.session()).isEqualTo(1);
			}
		}
	}

	private JdbcHistoryStore openStore(String backend) {
		if (backend.equals("sqlite")) {
			return JdbcHistoryStore.sqliteBesideItsServer(this.dataDirectory);
		}
		return JdbcHistoryStore.postgresql(this.url, database.user(), database.password());
	}

}
