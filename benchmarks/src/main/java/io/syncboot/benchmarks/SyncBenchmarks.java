package io.syncboot.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.syncboot.client.ProgressDirection;
import io.syncboot.client.ProgressListener;
import io.syncboot.client.ProgressMode;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncCollection;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncProgress;
import io.syncboot.client.SyncSession;
import io.syncboot.server.SyncServer;

/**
 * The sync metrics, measured with real clients (each with its own SQLite files) against a real
 * server on loopback: S1-S3 with the server in this JVM, S8 and S8m against a sync server in a
 * child JVM ({@link ChildServer}, started at the first bootstrap), so that the bootstrapping client
 * does not share this JVM's cores and heap with the server's snapshot reads and sends:
 * <ul>
 * <li>S1: end-to-end latency, commit on client A to visible on client B (change listener), 200 B
 * changes at a fixed rate (open loop);</li>
 * <li>S2: durable local writes per second (document and outbox in one transaction);</li>
 * <li>S3: durable upload throughput: changes per second from resume until the server acknowledged
 * every one (written offline as changesets of 100 changes by a client that already has its file
 * id); also the one-time cost of a file's first connection with as many documents written
 * offline (S3.firstConnection.ms);</li>
 * <li>S8: bootstrap: documents per second for an empty client to download a partition of 100,000
 * documents; S8m the same with 1,000,000 documents (not part of {@code all}: seeding alone takes
 * minutes). Each also reports the client JVM's used heap at the end and its peak during the
 * bootstrap (sampled, so it includes garbage not yet collected): the client's alone, as the server
 * runs in its own process; and the CPU time per document of the client JVM and of the server
 * process during the bootstrap, which other load on the machine hardly changes.</li>
 * </ul>
 *
 * <p>Not thread-safe: one benchmark thread calls it. A metric throws IllegalStateException when its
 * run does not complete; closing stops both servers.
 */
final class SyncBenchmarks implements AutoCloseable {

	private static final String PAYLOAD = "p".repeat(180);

	private final Path workDirectory;

	private final double scale;

	private final SyncServer server;

	private final AtomicInteger counter = new AtomicInteger();

	private ChildServer bootstrapServer;

	private URI bootstrapUrl;

	private String bootstrapPartition;

	private int bootstrapDocuments;

	private String millionPartition;

	private int millionDocuments;

	SyncBenchmarks(Path workDirectory, double scale) {
		this.workDirectory = workDirectory;
		this.scale = scale;
		this.server = SyncServer.builder().port(0).dataDirectory(workDirectory.resolve("server")).allowAnonymous()
			.build().start();
	}

	List<Result> s1EndToEndLatency() throws Exception {
		int changes = Math.max(20, (int) (500 * this.scale));
		String partition = "s1-" + this.counter.incrementAndGet();
		try (SyncManager a = manager("s1a"); SyncManager b = manager("s1b")) {
			SyncDatabase writer = open(a, partition);
			SyncDatabase reader = open(b, partition);
			session(a, writer).downloadAllServerChanges(Duration.ofSeconds(30));
			session(b, reader).downloadAllServerChanges(Duration.ofSeconds(30));
			Map<String, Long> started = new ConcurrentHashMap<>();
			Samples samples = new Samples();
			CountDownLatch arrived = new CountDownLatch(changes);
			reader.addChangeListener(change -> {
				long now = System.nanoTime();
				for (String id : change.ids("s1")) {
					Long start = started.remove(id);
					if (start != null) {
						synchronized (samples) {
							samples.record(now - start);
						}
						arrived.countDown();
					}
				}
			});
			SyncCollection collection = writer.collection("s1");
			ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
			AtomicInteger sent = new AtomicInteger();
			try {
				pacer.scheduleAtFixedRate(() -> {
					int n = sent.getAndIncrement();
					if (n < changes) {
						String id = "c-" + n;
						started.put(id, System.nanoTime());
						collection.put(id, Map.of("n", n, "body", PAYLOAD));
					}
				}, 0, 20, TimeUnit.MILLISECONDS);
				if (!arrived.await(120, TimeUnit.SECONDS)) {
					throw new IllegalStateException("S1: only " + (changes - arrived.getCount()) + " of " + changes
							+ " changes arrived");
				}
			}
			finally {
				pacer.shutdownNow();
			}
			return List.of(new Result("S1.p50", samples.percentileMillis(50), "ms"),
					new Result("S1.p99", samples.percentileMillis(99), "ms"));
		}
	}

	List<Result> s2DurableLocalWrite() throws Exception {
		// a local write goes through much more code than a raw commit: thousands of them before the JIT
		// has compiled it all, so each round (the warm-up round too) writes enough for that
		int writes = Math.max(20, (int) (3000 * this.scale));
		try (SyncManager a = manager("s2")) {
			SyncDatabase database = open(a, "s2-" + this.counter.incrementAndGet());
			session(a, database).suspend();
			SyncCollection collection = database.collection("s2");
			long begin = System.nanoTime();
			for (int i = 0; i < writes; i++) {
				collection.put("w-" + i, Map.of("n", i, "body", PAYLOAD));
			}
			double seconds = (System.nanoTime() - begin) / 1e9;
			return List.of(new Result("S2.writes/s", writes / seconds, "1/s"));
		}
	}

	List<Result> s3UploadThroughput() throws Exception {
		int changes = Math.max(1000, (int) (50_000 * this.scale));
		try (SyncManager a = manager("s3")) {
			SyncDatabase database = open(a, "s3-" + this.counter.incrementAndGet());
			SyncSession session = session(a, database);
			if (!session.downloadAllServerChanges(Duration.ofSeconds(30))) {
				throw new IllegalStateException("S3: the client file id was not assigned");
			}
			session.suspend();
			write(database, "s3", changes, 100);
			long begin = System.nanoTime();
			session.resume();
			if (!session.uploadAllLocalChanges(Duration.ofMinutes(5))) {
				throw new IllegalStateException("S3: upload did not complete");
			}
			double seconds = (System.nanoTime() - begin) / 1e9;
			return List.of(new Result("S3.changes/s", changes / seconds, "1/s"),
					new Result("S3.firstConnection.ms", firstConnection(a, changes), "ms"));
		}
	}

	/**
	 * The one-time cost of a file's very first connection when it already holds {@code changes}
	 * documents written offline: from resume until the first download is applied, which includes
	 * storing the allocated file id in every local stamp. Waits for the upload that follows, so it
	 * does not overlap the next measurement.
	 */
	private double firstConnection(SyncManager manager, int changes) {
		SyncDatabase database = open(manager, "s3-first-" + this.counter.incrementAndGet());
		SyncSession session = session(manager, database);
		session.suspend();
		write(database, "s3", changes, 100);
		long begin = System.nanoTime();
		session.resume();
		if (!session.downloadAllServerChanges(Duration.ofMinutes(5))) {
			throw new IllegalStateException("S3: the first connection did not complete");
		}
		double millis = (System.nanoTime() - begin) / 1e6;
		if (!session.uploadAllLocalChanges(Duration.ofMinutes(5))) {
			throw new IllegalStateException("S3: the first connection's upload did not complete");
		}
		return millis;
	}

	List<Result> s8Bootstrap() throws Exception {
		if (this.bootstrapPartition == null) {
			this.bootstrapDocuments = Math.max(1000, (int) (100_000 * this.scale));
			this.bootstrapPartition = seed("s8", this.bootstrapDocuments);
		}
		return bootstrap("S8", this.bootstrapPartition, this.bootstrapDocuments);
	}

	/** S8 at 1,000,000 documents (scaled); the partition is seeded once, in the first round. */
	List<Result> s8MillionBootstrap() throws Exception {
		if (this.millionPartition == null) {
			this.millionDocuments = Math.max(2000, (int) (1_000_000 * this.scale));
			this.millionPartition = seed("s8m", this.millionDocuments);
		}
		return bootstrap("S8m", this.millionPartition, this.millionDocuments);
	}

	private String seed(String name, int documents) throws IOException {
		String partition = name + "-" + this.counter.incrementAndGet();
		try (SyncManager seeder = manager(name + "-seed", bootstrapUrl())) {
			SyncDatabase database = open(seeder, partition);
			write(database, "s8", documents, 1000);
			if (!session(seeder, database).uploadAllLocalChanges(Duration.ofMinutes(30))) {
				throw new IllegalStateException(name + ": seeding did not complete");
			}
		}
		return partition;
	}

	/** The URL of the child server that S8 and S8m bootstrap from, started on first use. */
	private URI bootstrapUrl() throws IOException {
		if (this.bootstrapServer == null) {
			this.bootstrapServer = ChildServer.sync(this.workDirectory.resolve("s8-server"));
			this.bootstrapUrl = URI.create("ws://127.0.0.1:" + this.bootstrapServer.address().getPort()
					+ this.bootstrapServer.path());
		}
		return this.bootstrapUrl;
	}

	private List<Result> bootstrap(String metric, String partition, int documents) throws IOException {
		HeapPeak peak = new HeapPeak();
		try (SyncManager fresh = manager(metric.toLowerCase(Locale.ROOT) + "-" + this.counter.incrementAndGet(),
				bootstrapUrl());
				HeapPeak sampling = peak.start()) {
			long serverCpuBefore = this.bootstrapServer.cpuNanos();
			long clientCpuBefore = clientCpuNanos();
			long clientAllocatedBefore = clientAllocatedBytes();
			long begin = System.nanoTime();
			SyncDatabase database = open(fresh, partition);
			SyncSession session = session(fresh, database);
			DownloadProgress progress = new DownloadProgress(begin);
			session.addProgressNotification(ProgressDirection.DOWNLOAD, ProgressMode.REPORT_INDEFINITELY, progress);
			if (!session.downloadAllServerChanges(Duration.ofMinutes(30))) {
				throw new IllegalStateException(metric + ": bootstrap did not complete");
			}
			double seconds = (System.nanoTime() - begin) / 1e9;
			// a notification per applied transaction (at most 10,000 rows each): a few for a small run
			int expectedMoves = (documents >= 20_000) ? 2 : 1;
			// notifications are delivered on the client's notification thread: the last may still be on its way
			if (!progress.awaitMoves(expectedMoves, Duration.ofSeconds(10))) {
				throw new IllegalStateException(metric + ": download progress moved " + progress.moves()
						+ " times during the bootstrap of " + documents + " documents; expected at least " + expectedMoves);
			}
			double clientCpuMicros = (clientCpuNanos() - clientCpuBefore) / 1e3;
			double clientAllocated = clientAllocatedBytes() - clientAllocatedBefore;
			double serverCpuMicros = (this.bootstrapServer.cpuNanos() - serverCpuBefore) / 1e3;
			long count = database.collection("s8").count();
			if (count != documents) {
				throw new IllegalStateException(metric + ": bootstrapped " + count + " of " + documents);
			}
			return List.of(new Result(metric + ".rows/s", count / seconds, "1/s"),
					new Result(metric + ".heapUsedMB", peak.usedBytes() / 1e6, "MB"),
					new Result(metric + ".heapPeakMB", peak.peakBytes() / 1e6, "MB"),
					new Result(metric + ".clientCpu/doc", clientCpuMicros / documents, "us"),
					new Result(metric + ".serverCpu/doc", serverCpuMicros / documents, "us"),
					new Result(metric + ".clientAlloc/doc", clientAllocated / documents, "B"),
					new Result(metric + ".firstProgress.ms", progress.firstMillis(), "ms"),
					new Result(metric + ".progressMoves", progress.moves(), "1"));
		}
	}

	/** The bytes allocated on this JVM's heap so far by all its live threads. */
	private static long clientAllocatedBytes() {
		return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
			.getTotalThreadAllocatedBytes();
	}

	/** The CPU time this JVM used so far (all its threads, garbage collection included). */
	private static long clientCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
			.getOperatingSystemMXBean()).getProcessCpuTime();
	}

	private static void write(SyncDatabase database, String collection, int changes, int perTransaction) {
		for (int start = 0; start < changes; start += perTransaction) {
			int from = start;
			int to = Math.min(changes, start + perTransaction);
			database.write(tx -> {
				SyncCollection target = tx.collection(collection);
				for (int i = from; i < to; i++) {
					target.put("d-" + i, Map.of("n", i, "body", PAYLOAD));
				}
			});
		}
	}

	private SyncManager manager(String name) {
		return manager(name, this.server.url());
	}

	private SyncManager manager(String name, URI serverUrl) {
		return SyncManager.create(SyncClientSettings.builder()
			.serverUrl(serverUrl)
			.baseDirectory(this.workDirectory.resolve("clients").resolve(name + "-" + this.counter.incrementAndGet()))
			.reconnectInitialDelay(Duration.ofMillis(100))
			.build());
	}

	private static SyncDatabase open(SyncManager manager, String partition) {
		return manager.open(SyncConfiguration.builder(manager.logIn(SyncCredentials.anonymous()), partition).build());
	}

	private static SyncSession session(SyncManager manager, SyncDatabase database) {
		return manager.sessionFor(database).orElseThrow();
	}

	/**
	 * Counts the download progress notifications that report more bytes than the one before, and
	 * the time from {@code begin} to the first that reports any.
	 */
	private static final class DownloadProgress implements ProgressListener {

		private final long begin;

		private long lastTransferred;

		private int moves;

		private double firstMillis = Double.NaN;

		DownloadProgress(long begin) {
			this.begin = begin;
		}

		@Override
		public synchronized void onProgress(SyncProgress progress) {
			if (progress.transferredBytes() > this.lastTransferred) {
				if (this.moves == 0) {
					this.firstMillis = (System.nanoTime() - this.begin) / 1e6;
				}
				this.lastTransferred = progress.transferredBytes();
				this.moves++;
				notifyAll();
			}
		}

		synchronized int moves() {
			return this.moves;
		}

		/** Waits until progress moved at least {@code expected} times; false if it did not within {@code timeout}. */
		synchronized boolean awaitMoves(int expected, Duration timeout) {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (this.moves < expected) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
			return true;
		}

		synchronized double firstMillis() {
			return this.firstMillis;
		}

	}

	@Override
	public void close() throws InterruptedException {
		try {
			if (this.bootstrapServer != null) {
				this.bootstrapServer.close();
			}
		}
		finally {
			this.server.close();
		}
	}

}
