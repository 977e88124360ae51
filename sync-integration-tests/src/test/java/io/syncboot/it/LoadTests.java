package io.syncboot.it;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.syncboot.client.Document;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncUser;
import io.syncboot.server.SyncServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Load: {@code -Dsyncboot.load.sessions} concurrent sessions (200 by default; 1,000 by property)
 * write continuously for {@code -Dsyncboot.load.seconds} (20 by default; 60 by property), ten
 * sessions per client manager on ten shared partitions. Zero errors, zero loss, every session
 * converged, heap and thread count bounded.
 */
class LoadTests {

	private static final int PARTITIONS = 10;

	@TempDir
	Path temp;

	@Test
	void concurrentSessionsWriteContinuouslyWithoutErrorOrLossAndConverge() throws Exception {
		int sessions = Integer.getInteger("syncboot.load.sessions", 200);
		int seconds = Integer.getInteger("syncboot.load.seconds", 20);
		int managers = Math.max(1, sessions / PARTITIONS);
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		int threadsBefore = threads.getThreadCount();
		ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
		List<SyncManager> clients = new ArrayList<>();
		List<SyncDatabase> databases = new ArrayList<>();
		AtomicInteger writes = new AtomicInteger();
		ExecutorService writers = Executors.newFixedThreadPool(4);
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.temp.resolve("server")).allowAnonymous()
			.build().start()) {
			for (int m = 0; m < managers; m++) {
				SyncManager manager = SyncManager.create(SyncClientSettings.builder()
					.serverUrl(server.url())
					.baseDirectory(this.temp.resolve("client-" + m))
					.reconnectInitialDelay(Duration.ofMillis(100))
					.build());
				clients.add(manager);
				SyncUser user = manager.logIn(SyncCredentials.anonymous());
				for (int p = 0; p < PARTITIONS && databases.size() < sessions; p++) {
					databases.add(manager.open(SyncConfiguration.builder(user, "load-" + p)
						.errorHandler((session, error) -> errors.add(error.code() + " " + error.message()))
						.build()));
				}
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
			int peakThreads = 0;
			List<java.util.concurrent.Future<?>> running = new ArrayList<>();
			for (int w = 0; w < 4; w++) {
				int writer = w;
				running.add(writers.submit(() -> {
					int n = 0;
					while (System.nanoTime() < deadline) {
						for (int i = writer; i < databases.size(); i += 4) {
							SyncDatabase database = databases.get(i);
							database.collection("items").put("s" + i + "-" + n, Map.of("session", i, "n", n));
							writes.incrementAndGet();
						}
						n++;
					}
					return null;
				}));
			}
			while (System.nanoTime() < deadline) {
				peakThreads = Math.max(peakThreads, threads.getThreadCount());
				Thread.sleep(200);
			}
			for (java.util.concurrent.Future<?> future : running) {
				future.get();
			}
			for (int i = 0; i < databases.size(); i++) {
				SyncManager manager = clients.get(i / PARTITIONS);
				assertThat(manager.sessionFor(databases.get(i)).orElseThrow().uploadAllLocalChanges(Duration.ofMinutes(2)))
					.as("session %d uploads everything", i).isTrue();
			}
			for (int i = 0; i < databases.size(); i++) {
				SyncManager manager = clients.get(i / PARTITIONS);
				assertThat(manager.sessionFor(databases.get(i)).orElseThrow().downloadAllServerChanges(Duration.ofMinutes(2)))
					.as("session %d downloads everything", i).isTrue();
			}
			int total = 0;
			for (int p = 0; p < PARTITIONS; p++) {
				Set<String> expected = null;
				for (int i = p; i < databases.size(); i += PARTITIONS) {
					Set<String> ids = databases.get(i).collection("items").all().stream().map(Document::id)
						.collect(Collectors.toCollection(HashSet::new));
					if (expected == null) {
						expected = ids;
						total += ids.size();
					}
					assertThat(ids).as("session %d on partition load-%d converged", i, p).isEqualTo(expected);
				}
			}
			assertThat(total).as("every write of every session arrived").isEqualTo(writes.get());
			assertThat(errors).as("errors reported to the sessions").isEmpty();
			System.gc();
			long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
			System.out.printf("load: %d sessions on %d managers for %d s: %d writes, all converged, 0 errors; threads %d"
					+ " before, peak %d; heap after %d MB%n", databases.size(), clients.size(), seconds, writes.get(),
					threadsBefore, peakThreads, heap >> 20);
			assertThat(peakThreads).as("thread count stays bounded").isLessThan(threadsBefore + 40 * managers + 200);
			assertThat(heap).as("heap stays bounded").isLessThan(1024L * 1024 * 1024);
		}
		finally {
			writers.shutdownNow();
			for (SyncManager manager : clients) {
				manager.close();
			}
		}
	}

}
