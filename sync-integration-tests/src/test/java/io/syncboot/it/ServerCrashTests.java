package io.syncboot.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncCollection;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncUser;
import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.server.store.ChangesetBatch;
import io.syncboot.server.store.SnapshotBatch;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a server process with SIGKILL while two clients upload, restarts it on the same data
 * directory, again and again. After every kill, the dead server's store holds every changeset a
 * client saw acknowledged, its server versions are contiguous, and no client version was integrated
 * twice; at the end every write reaches the server. Cycles: {@code -Dsyncboot.crash.cycles} (20 by
 * default); the seed of the kill points is printed and replays with {@code -Dsyncboot.crash.seed}.
 */
class ServerCrashTests {

	static final String SERVER_MAIN = "io.syncboot.server.SyncServerMain";

	private static final String PARTITION = "crash-server";

	@TempDir
	Path temp;

	@Test
	void acknowledgedUploadsSurviveKillNineOfTheServer() throws Exception {
		int cycles = Integer.getInteger("syncboot.crash.cycles", 20);
		long seed = Long.getLong("syncboot.crash.seed", System.nanoTime());
		System.out.printf("server crash: seed %d, %d cycles (replay with -Dsyncboot.crash.seed=%d)%n", seed, cycles, seed);
		Random random = new Random(seed);
		JavaProcess.warmUp(SERVER_MAIN, Path.of("target", "crash-logs", "server-warm-up.log"),
				line -> line.contains("listening on"), "--port=0", "--data-directory=" + this.temp.resolve("warm-up"),
				"--allow-anonymous");
		int port = freePort();
		Path dataDirectory = this.temp.resolve("server-data");
		URI url = URI.create("ws://localhost:" + port + "/sync");
		List<Writer> writers = List.of(new Writer("a", url, this.temp.resolve("client-a")),
				new Writer("b", url, this.temp.resolve("client-b")));
		try {
			writers.forEach(Writer::start);
			for (Writer writer : writers) {
				writer.awaitFirstWrite();
			}
			Set<String> acknowledgedEver = new HashSet<>();
			long start = System.nanoTime();
			for (int cycle = 0; cycle < cycles; cycle++) {
				List<String> probes = new ArrayList<>();
				for (Writer writer : writers) {
					writer.oldestPending().ifPresent(probes::add);
				}
				long cycleStart = System.nanoTime();
				try (JavaProcess server = startServer(port, dataDirectory, cycle)) {
					long started = System.nanoTime();
					// Kill mid-stream, but only once this server made progress: each cycle then
					// kills a server that acknowledged uploads, however slow the machine is.
					awaitAcknowledged(writers, probes, Duration.ofSeconds(90));
					long progressed = System.nanoTime();
					Thread.sleep(random.nextInt(1000));
					server.kill();
					System.out.printf("server crash cycle %d: started in %d ms, first acknowledgement after %d ms%n", cycle,
							(started - cycleStart) / 1_000_000, (progressed - started) / 1_000_000);
				}
				long checkStart = System.nanoTime();
				Set<String> acknowledged = new HashSet<>();
				for (Writer writer : writers) {
					acknowledged.addAll(writer.acknowledged());
				}
				acknowledgedEver.addAll(acknowledged);
				checkStore(dataDirectory, acknowledged, "seed " + seed + ", cycle " + cycle);
				System.out.printf("server crash cycle %d: %d acknowledged writes checked in %d ms%n", cycle,
						acknowledged.size(), (System.nanoTime() - checkStart) / 1_000_000);
			}
			assertThat(acknowledgedEver).as("seed %d: uploads were acknowledged between kills", seed).isNotEmpty();
			try (JavaProcess server = startServer(port, dataDirectory, cycles)) {
				for (Writer writer : writers) {
					writer.stop();
				}
				Set<String> all = new HashSet<>();
				for (Writer writer : writers) {
					assertThat(writer.session().uploadAllLocalChanges(Duration.ofMinutes(3)))
						.as("seed %d: %s uploads everything after the last restart", seed, writer.name).isTrue();
					all.addAll(writer.written());
				}
				server.kill();
				checkStore(dataDirectory, all, "seed " + seed + ", final");
				System.out.printf("server crash: %d SIGKILL cycles in %d ms, %d uploads acknowledged between kills, %d writes"
						+ " in all: lost = 0, duplicated = 0, versions contiguous after every restart%n", cycles,
						(System.nanoTime() - start) / 1_000_000, acknowledgedEver.size(), all.size());
			}
		}
		finally {
			for (Writer writer : writers) {
				writer.close();
			}
		}
	}

	private static void awaitAcknowledged(List<Writer> writers, List<String> probes, Duration timeout)
			throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			boolean all = true;
			for (String probe : probes) {
				all &= writers.stream().noneMatch(writer -> writer.isPending(probe));
			}
			if (all) {
				return;
			}
			Thread.sleep(50);
		}
		throw new AssertionError("the restarted server acknowledged nothing within " + timeout);
	}

	private static JavaProcess startServer(int port, Path dataDirectory, int cycle) throws Exception {
		JavaProcess server = JavaProcess.start(SERVER_MAIN, Path.of("target", "crash-logs", "server-" + cycle + ".log"),
				"--port=" + port, "--data-directory=" + dataDirectory, "--allow-anonymous");
		server.awaitLine(line -> line.contains("listening on"), Duration.ofSeconds(60));
		return server;
	}

	/** Opens the dead server's store and checks durability, contiguity and exactly-once integration. */
	private static void checkStore(Path dataDirectory, Set<String> mustExist, String context) {
		try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(dataDirectory)) {
			long latest = store.latestVersion(PARTITION);
			List<ServerChangeset> history = new ArrayList<>();
			long after = 0;
			while (after < latest) {
				ChangesetBatch batch = store.changesetsAfter(PARTITION, after, 0, 1 << 20);
				history.addAll(batch.changesets());
				assertThat(batch.scannedVersion()).as(context).isGreaterThan(after);
				after = batch.scannedVersion();
			}
			for (int i = 0; i < history.size(); i++) {
				assertThat(history.get(i).serverVersion()).as("%s: server versions are contiguous", context)
					.isEqualTo(i + 1L);
			}
			Set<String> integrated = new HashSet<>();
			for (ServerChangeset changeset : history) {
				assertThat(integrated.add(changeset.originFileId() + ":" + changeset.clientVersion()))
					.as("%s: client version %d of file %d integrated once", context, changeset.clientVersion(),
							changeset.originFileId())
					.isTrue();
			}
			Set<String> present = new HashSet<>();
			DocumentKey next = null;
			do {
				SnapshotBatch batch = store.snapshot(PARTITION, next, 1 << 20);
				for (DocumentState state : batch.documents()) {
					if (state.isPresent()) {
						present.add(state.key().id());
					}
				}
				next = batch.nextKey();
			}
			while (next != null);
			assertThat(present).as("%s: every acknowledged write is on the server", context).containsAll(mustExist);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
	}

	/** A client in this JVM that writes documents as fast as it can, online or not. */
	private static final class Writer implements AutoCloseable {

		private final String name;

		private final SyncManager manager;

		private final SyncDatabase database;

		private final SyncCollection ledger;

		private final List<String> written = new ArrayList<>(); // guarded by itself

		private final AtomicBoolean running = new AtomicBoolean();

		private final Thread thread;

		Writer(String name, URI url, Path baseDirectory) {
			this.name = name;
			// reconnect within 100 ms of the restarted server listening, whatever the downtime
			this.manager = SyncManager.create(SyncClientSettings.builder()
				.serverUrl(url)
				.baseDirectory(baseDirectory)
				.reconnectInitialDelay(Duration.ofMillis(20))
				.reconnectMaxDelay(Duration.ofMillis(100))
				.build());
			SyncUser user = this.manager.logIn(SyncCredentials.anonymous());
			this.database = this.manager.open(SyncConfiguration.builder(user, PARTITION).build());
			this.ledger = this.database.collection(ClientWriterMain.COLLECTION);
			this.thread = new Thread(this::run, "writer-" + name);
			this.thread.setDaemon(true);
		}

		void start() {
			this.running.set(true);
			this.thread.start();
		}

		private void run() {
			int n = 0;
			while (this.running.get()) {
				String id = this.name + "-" + n++;
				this.ledger.put(id, Map.of("n", n, "payload", "y".repeat(64)));
				synchronized (this.written) {
					this.written.add(id);
				}
				try {
					// a steady stream, not a flood: the point is killing the server mid-stream, and
					// the store, read whole after every kill, stays small enough for many cycles
					Thread.sleep(25);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}

		void awaitFirstWrite() throws InterruptedException {
			while (written().isEmpty()) {
				Thread.sleep(10);
			}
		}

		List<String> written() {
			synchronized (this.written) {
				return new ArrayList<>(this.written);
			}
		}

		/** The first written id still waiting for the server's acknowledgement, if any. */
		java.util.Optional<String> oldestPending() {
			for (String id : written()) {
				if (isPending(id)) {
					return java.util.Optional.of(id);
				}
			}
			return java.util.Optional.empty();
		}

		boolean isPending(String id) {
			return id.startsWith(this.name + "-") && this.database.isDocumentPending(ClientWriterMain.COLLECTION, id);
		}

		/** Every written id the server has acknowledged (no longer pending in the outbox). */
		Set<String> acknowledged() {
			Set<String> acknowledged = new HashSet<>();
			for (String id : written()) {
				if (!this.database.isDocumentPending(ClientWriterMain.COLLECTION, id)) {
					acknowledged.add(id);
				}
			}
			return acknowledged;
		}

		SyncSession session() {
			return this.manager.sessionFor(this.database).orElseThrow();
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			this.thread.join(10_000);
		}

		@Override
		public void close() throws InterruptedException {
			stop();
			this.manager.close();
		}

	}

}
