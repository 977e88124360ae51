package io.syncboot.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncUser;

/**
 * Heap per idle connection, with the server in a child JVM whose heap is measured after full
 * collections before and after opening the connections (the load generator's own heap stays out
 * of it):
 * <ul>
 * <li>P7: raw idle WebSocket connections to an echo endpoint on the sync server's embedded Tomcat
 * (its connector and buffer settings, no SyncBoot handler), opened with {@link RawWebSocket};</li>
 * <li>S6: idle sync sessions, each on its own connection and its own partition, bound with a new
 * client file and identified ({@link RawSyncSession}), then left alone; plus the client's heap per
 * idle session, measured in this JVM with one {@link SyncManager} holding that many databases.</li>
 * </ul>
 * Connections are opened by {@value #OPENERS} threads. Sizes at scale 1: {@value #CONNECTIONS}
 * connections, {@value #CONNECTIONS} sessions (plus 1 % opened before the first measurement, so
 * that first-use allocations are not counted) and 100 client sessions; at least
 * {@value #MIN_CONNECTIONS}, {@value #MIN_CONNECTIONS} and 10 (fewer connections put the heap
 * difference inside the noise of a collection on a loaded machine).
 * The server accepts up to 20,000 connections by default; each process needs a file descriptor per
 * connection ({@code ulimit -n}).
 */
final class IdleBenchmarks {

	private static final int OPENERS = 8;

	private static final int CONNECTIONS = 10_000;

	private static final int MIN_CONNECTIONS = 1000;

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final Path workDirectory;

	private final double scale;

	private final AtomicInteger runs = new AtomicInteger();

	IdleBenchmarks(Path workDirectory, double scale) {
		this.workDirectory = workDirectory;
		this.scale = scale;
	}

	List<Result> p7IdleWebSocketHeap() throws Exception {
		int connections = Math.max(MIN_CONNECTIONS, (int) (CONNECTIONS * this.scale));
		List<RawWebSocket> sockets = Collections.synchronizedList(new ArrayList<>());
		try (ChildServer server = ChildServer.echo()) {
			openAll(Math.max(10, connections / 100), i -> sockets.add(RawWebSocket.connect(server.address(),
					server.path(), null, TIMEOUT)));
			long before = server.usedHeapAfterGc();
			long begin = System.nanoTime();
			openAll(connections, i -> sockets.add(RawWebSocket.connect(server.address(), server.path(), null, TIMEOUT)));
			double seconds = (System.nanoTime() - begin) / 1e9;
			long after = server.usedHeapAfterGc();
			return List.of(new Result("P7.heapKB/conn", (after - before) / 1000.0 / connections, "KB"),
					new Result("P7.connects/s", connections / seconds, "1/s"));
		}
		finally {
			sockets.forEach(RawWebSocket::close);
		}
	}

	List<Result> s6IdleSessionHeap() throws Exception {
		int sessions = Math.max(MIN_CONNECTIONS, (int) (CONNECTIONS * this.scale));
		int run = this.runs.incrementAndGet();
		List<RawSyncSession> open = Collections.synchronizedList(new ArrayList<>());
		List<Result> results = new ArrayList<>();
		try (ChildServer server = ChildServer.sync(this.workDirectory.resolve("s6-server-" + run))) {
			openAll(Math.max(10, sessions / 100), i -> open.add(RawSyncSession.open(server.address(), server.path(),
					"s6-warm-" + i, TIMEOUT)));
			long before = server.usedHeapAfterGc();
			long begin = System.nanoTime();
			openAll(sessions, i -> open.add(RawSyncSession.open(server.address(), server.path(), "s6-idle-" + i, TIMEOUT)));
			double seconds = (System.nanoTime() - begin) / 1e9;
			long after = server.usedHeapAfterGc();
			results.add(new Result("S6.serverKB/session", (after - before) / 1000.0 / sessions, "KB"));
			results.add(new Result("S6.sessions/s", sessions / seconds, "1/s"));
			open.forEach(RawSyncSession::close);
			open.clear();
			results.add(new Result("S6.clientKB/session", clientHeapPerIdleSession(server, run), "KB"));
		}
		finally {
			open.forEach(RawSyncSession::close);
		}
		return results;
	}

	/** Heap of this JVM per idle session of one {@link SyncManager}, beyond its first one. */
	private double clientHeapPerIdleSession(ChildServer server, int run) {
		int databases = Math.max(10, (int) (100 * this.scale));
		java.net.URI url = java.net.URI.create("ws://127.0.0.1:" + server.address().getPort() + server.path());
		try (SyncManager manager = SyncManager.create(SyncClientSettings.builder()
			.serverUrl(url)
			.baseDirectory(this.workDirectory.resolve("s6-client-" + run))
			.build())) {
			SyncUser user = manager.logIn(SyncCredentials.anonymous());
			openIdle(manager, user, "s6-client-warm");
			long before = ServerProcessMain.usedHeapAfterGc(ManagementFactory.getMemoryMXBean());
			List<SyncDatabase> held = new ArrayList<>();
			for (int i = 0; i < databases; i++) {
				held.add(openIdle(manager, user, "s6-client-" + i));
			}
			long after = ServerProcessMain.usedHeapAfterGc(ManagementFactory.getMemoryMXBean());
			if (held.size() != databases) {
				throw new IllegalStateException("S6: opened " + held.size() + " of " + databases);
			}
			return (after - before) / 1000.0 / databases;
		}
	}

	private static SyncDatabase openIdle(SyncManager manager, SyncUser user, String partition) {
		SyncDatabase database = manager.open(SyncConfiguration.builder(user, partition).build());
		if (!manager.sessionFor(database).orElseThrow().downloadAllServerChanges(TIMEOUT)) {
			throw new IllegalStateException("S6: client session on " + partition + " did not become idle");
		}
		return database;
	}

	/** Runs {@code open} for 0..count-1 on {@value #OPENERS} threads; fails on the first failure. */
	static void openAll(int count, Opener open) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(OPENERS);
		AtomicInteger next = new AtomicInteger();
		try {
			List<Future<?>> workers = new ArrayList<>();
			for (int t = 0; t < OPENERS; t++) {
				workers.add(pool.submit(() -> {
					for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
						open.open(i);
					}
					return null;
				}));
			}
			for (Future<?> worker : workers) {
				worker.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	/** Opens connection or session number {@code i}. */
	@FunctionalInterface
	interface Opener {

		void open(int i) throws IOException;

	}

}
