package io.syncboot.client.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.syncboot.client.LocalFiles;
import io.syncboot.client.ConnectionState;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import io.syncboot.client.internal.concurrent.EventLoop;
import io.syncboot.client.internal.connection.Connection;
import io.syncboot.server.SyncServer;
import io.syncboot.test.proxy.FaultProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Back pressure on received downloads, against a real server: while the client's store thread
 * cannot apply, the connection stops reading once a session's backlog is full, and reads again,
 * losing nothing, once the store catches up; nor does it lose anything when an apply fails then.
 */
class BackPressureIntegrationTests {

	private static final Duration LONG = Duration.ofSeconds(120);

	private static final int DOCUMENTS = 50_000;

	@TempDir
	Path serverDir;

	@TempDir
	Path dirA;

	@TempDir
	Path dirC;

	@Test
	void aClientWhoseStoreIsBehindStopsReadingAndCatchesUpLosingNothing() throws Exception {
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.serverDir).allowAnonymous().build().start();
				SyncManager reader = manager(server, this.dirC);
				SyncManager writer = manager(server, this.dirA)) {
			DefaultSyncManager engineOwner = (DefaultSyncManager) reader;
			SyncDatabase readerDb = open(reader, "bp");
			SyncSession readerSession = reader.sessionFor(readerDb).orElseThrow();
			assertThat(readerSession.downloadAllServerChanges(LONG)).isTrue();
			assertThat(anyReadingPaused(engineOwner)).isFalse();

			uploadWhileTheReadersStoreThreadIsBusy(engineOwner, writer);
			assertThat(readerSession.downloadAllServerChanges(LONG)).isTrue();
			assertThat(readerDb.collection("docs").count()).isEqualTo(DOCUMENTS);
			assertThat(readerDb.collection("docs").get("d-" + (DOCUMENTS - 1)).map(d -> d.get("n")))
				.contains((long) (DOCUMENTS - 1));
			await().atMost(LONG).until(() -> !anyReadingPaused(engineOwner));
		}
	}

	@Test
	void aFailedApplyWhileReadingIsPausedAppliesNothingReceivedAfterItSoNothingIsSkipped() throws Exception {
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.serverDir).allowAnonymous().build().start();
				SyncManager reader = manager(server, this.dirC);
				SyncManager writer = manager(server, this.dirA)) {
			DefaultSyncManager engineOwner = (DefaultSyncManager) reader;
			SyncDatabase readerDb = open(reader, "bp");
			SyncSession readerSession = reader.sessionFor(readerDb).orElseThrow();
			assertThat(readerSession.downloadAllServerChanges(LONG)).isTrue();
			AtomicInteger lost = new AtomicInteger();
			readerSession.addConnectionStateListener((from, to, error) -> {
				if (from == ConnectionState.CONNECTED) {
					lost.incrementAndGet();
				}
			});
			// the reader cannot write the first document, as on a full disk: the first apply fails
			LocalFiles.runSql(readerDb.path(), "CREATE TRIGGER refuse_first BEFORE INSERT ON documents WHEN NEW.id = 'd-0'"
					+ " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");

			uploadWhileTheReadersStoreThreadIsBusy(engineOwner, writer);
			// the failure stopped the session; what the socket held then was not applied past the gap
			await().atMost(LONG).until(() -> lost.get() >= 1);
			LocalFiles.runSql(readerDb.path(), "DROP TRIGGER refuse_first");

			assertThat(readerSession.downloadAllServerChanges(LONG)).isTrue();
			assertThat(readerDb.collection("docs").count()).isEqualTo(DOCUMENTS);
		}
	}

	@Test
	void aReconnectWhileABacklogIsQueuedIdentsAfterEverythingReceived() throws Exception {
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.serverDir).allowAnonymous().build().start();
				SyncManager reader = manager(server, this.dirC);
				SyncManager writer = manager(server, this.dirA)) {
			DefaultSyncManager engineOwner = (DefaultSyncManager) reader;
			SyncDatabase readerDb = open(reader, "bp");
			SyncSession readerSession = reader.sessionFor(readerDb).orElseThrow();
			assertThat(readerSession.downloadAllServerChanges(LONG)).isTrue();
			List<String> errors = new CopyOnWriteArrayList<>();
			readerSession.addConnectionStateListener((from, to, error) -> {
				if (error != null && !String.valueOf(error).endsWith("ConnectionLostException: dropped")) {
					errors.add(String.valueOf(error));
				}
			});

			uploadWhileTheReadersStoreThreadIsBusy(engineOwner, writer, DOCUMENTS, () -> {
				// the connection drops (a network blip, a slow-consumer close) while the backlog waits; the
				// new connection's bind reads the stored cursor on the store thread, behind the backlog
				engineOwner.engine().loop().submit(() -> engineOwner.engine().pool().connections()
					.forEach(connection -> connection.restart("dropped"))).get();
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
					.until(() -> connected(engineOwner));
			});

			assertThat(readerSession.downloadAllServerChanges(LONG)).isTrue();
			assertThat(readerDb.collection("docs").count()).isEqualTo(DOCUMENTS);
			assertThat(readerSession.state()).isEqualTo(SyncSessionState.ACTIVE);
			assertThat(errors).as("errors reported").isEmpty();
		}
	}

	@Test
	void aConnectionWhoseReadingIsPausedLongerThanThePongTimeoutIsNotTakenForDead() throws Exception {
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.serverDir).allowAnonymous().build().start();
				FaultProxy proxy = FaultProxy.start("127.0.0.1", server.port());
				SyncManager reader = SyncManager.create(SyncClientSettings.builder()
					.serverUrl(proxy.proxied(server.url()))
					.baseDirectory(this.dirC)
					.reconnectInitialDelay(Duration.ofMillis(50))
					.pingInterval(Duration.ofMillis(100))
					.pongTimeout(Duration.ofSeconds(2))
					.build());
				SyncManager writer = manager(server, this.dirA)) {
			DefaultSyncManager engineOwner = (DefaultSyncManager) reader;
			SyncDatabase readerDb = open(reader, "bp");
			SyncSession readerSession = reader.sessionFor(readerDb).orElseThrow();
			assertThat(readerSession.downloadAllServerChanges(LONG)).isTrue();
			List<String> lost = new CopyOnWriteArrayList<>();
			readerSession.addConnectionStateListener((from, to, error) -> {
				if (to == ConnectionState.DISCONNECTED) {
					lost.add(String.valueOf(error));
				}
			});

			// the socket is not read (so no pong is) for three times the pong timeout
			uploadWhileTheReadersStoreThreadIsBusy(engineOwner, writer, DOCUMENTS, () -> Thread.sleep(6000));

			assertThat(readerSession.downloadAllServerChanges(LONG)).isTrue();
			assertThat(readerDb.collection("docs").count()).isEqualTo(DOCUMENTS);
			assertThat(lost).as("connections lost").isEmpty();

			// the watchdog runs again once the socket is read: a server that stops answering is noticed
			proxy.blackHole();
			await().atMost(Duration.ofSeconds(60)).until(() -> !lost.isEmpty());
			assertThat(lost.get(0)).contains("no pong");
		}
	}

	@Test
	void anotherSessionsWaitIsNotHeldUpByOneSessionsBacklog() throws Exception {
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.serverDir).allowAnonymous().build().start();
				SyncManager reader = SyncManager.create(SyncClientSettings.builder().serverUrl(server.url())
					.baseDirectory(this.dirC).multiplex(false).reconnectInitialDelay(Duration.ofMillis(50)).build());
				SyncManager writer = manager(server, this.dirA)) {
			DefaultSyncManager engineOwner = (DefaultSyncManager) reader;
			SyncDatabase readerDb = open(reader, "bp");
			SyncDatabase otherDb = open(reader, "other");
			SyncSession other = reader.sessionFor(otherDb).orElseThrow();
			assertThat(reader.sessionFor(readerDb).orElseThrow().downloadAllServerChanges(LONG)).isTrue();
			assertThat(other.downloadAllServerChanges(LONG)).isTrue();

			// the other session's download wait is answered while the reader's store thread is held: its
			// store work is queued behind the backlog of "bp", which is applied a batch at a time; a task
			// queued right after it counts what was applied when it ran
			AtomicReference<CompletableFuture<Void>> waiting = new AtomicReference<>();
			AtomicReference<String> appliedThen = new AtomicReference<>();
			uploadWhileTheReadersStoreThreadIsBusy(engineOwner, writer, DOCUMENTS, () -> {
				EventLoop store = engineOwner.engine().storeThread();
				int queued = store.queuedTasks();
				waiting.set(other.waitForDownloadCompletion());
				// the MARK's round trip: its answer is queued on the store thread
				await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
					.until(() -> store.queuedTasks() > queued);
				store.post(() -> appliedThen.set(LocalFiles.queryText(readerDb.path(),
						"SELECT count(*) FROM documents WHERE collection = 'docs' AND present = 1")));
			});

			waiting.get().get(LONG.toSeconds(), TimeUnit.SECONDS);
			await().atMost(LONG).until(() -> appliedThen.get() != null);
			assertThat(Long.parseLong(appliedThen.get())).as("applied then").isLessThan(DOCUMENTS);
			assertThat(reader.sessionFor(readerDb).orElseThrow().downloadAllServerChanges(LONG)).isTrue();
			assertThat(readerDb.collection("docs").count()).isEqualTo(DOCUMENTS);
		}
	}

	/**
	 * Keeps the reader's store thread busy while the writer uploads {@link #DOCUMENTS} documents to
	 * "bp", until the reader stops reading a socket; then lets the store thread go.
	 */
	private void uploadWhileTheReadersStoreThreadIsBusy(DefaultSyncManager reader, SyncManager writer)
			throws Exception {
		uploadWhileTheReadersStoreThreadIsBusy(reader, writer, DOCUMENTS, () -> {
		});
	}

	/**
	 * As {@link #uploadWhileTheReadersStoreThreadIsBusy(DefaultSyncManager, SyncManager)}, with
	 * {@code documents} documents, running {@code meanwhile} before it lets the store thread go.
	 */
	private void uploadWhileTheReadersStoreThreadIsBusy(DefaultSyncManager reader, SyncManager writer, int documents,
			Meanwhile meanwhile) throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		reader.engine().storeThread().post(() -> {
			try {
				release.await(LONG.toSeconds(), TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		try {
			SyncDatabase writerDb = open(writer, "bp");
			for (int start = 0; start < documents; start += 1000) {
				int from = start;
				writerDb.write(tx -> {
					for (int i = from; i < from + 1000; i++) {
						tx.collection("docs").put("d-" + i, Map.of("n", i, "body", "x".repeat(150)));
					}
				});
			}
			assertThat(writer.sessionFor(writerDb).orElseThrow().uploadAllLocalChanges(LONG)).isTrue();
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
				.until(() -> anyReadingPaused(reader));
			meanwhile.run();
		}
		finally {
			release.countDown();
		}
	}

	/** What a test does while the reader's store thread is held. */
	private interface Meanwhile {

		void run() throws Exception;

	}

	private static boolean connected(DefaultSyncManager manager) throws Exception {
		AtomicBoolean connected = new AtomicBoolean();
		manager.engine().loop().submit(() -> connected.set(manager.engine().pool().connections().stream()
			.allMatch(connection -> connection.state() == ConnectionState.CONNECTED))).get();
		return connected.get();
	}

	private static boolean anyReadingPaused(DefaultSyncManager manager) throws Exception {
		AtomicBoolean paused = new AtomicBoolean();
		manager.engine().loop().submit(() -> paused.set(manager.engine().pool().connections().stream()
			.anyMatch(Connection::isReadingPaused))).get();
		return paused.get();
	}

	private static SyncManager manager(SyncServer server, Path dir) {
		return SyncManager.create(SyncClientSettings.builder().serverUrl(server.url()).baseDirectory(dir)
			.reconnectInitialDelay(Duration.ofMillis(50)).build());
	}

	private static SyncDatabase open(SyncManager manager, String partition) {
		return manager.open(SyncConfiguration.builder(manager.logIn(SyncCredentials.anonymous()), partition).build());
	}

}
