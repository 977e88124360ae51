package io.syncboot.benchmarks;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncCollection;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.server.SyncServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Scale-out: the same load on 1 and on 3 server nodes sharing one PostgreSQL database (embedded,
 * {@code synchronous_commit=on}). {@code W} writers, each on its own partition, write their changes
 * while suspended; the figure is changes per second from resuming every writer until every
 * reader, each attached to a different node than its writer, has every change (so cross-node
 * fan-out through LISTEN/NOTIFY is included). Everything runs in this JVM on loopback.
 */
final class NodesBenchmark implements AutoCloseable {

	private static final int WRITERS = 8;

	private final Path workDirectory;

	private final double scale;

	private final EmbeddedPostgres postgres;

	private final AtomicInteger runs = new AtomicInteger();

	NodesBenchmark(Path workDirectory, double scale) throws Exception {
		this.workDirectory = workDirectory;
		this.scale = scale;
		this.postgres = EmbeddedPostgres.builder().setDataDirectory(workDirectory.resolve("postgres-" + System.nanoTime()))
			.setCleanDataDirectory(true).start();
	}

	List<Result> oneVersusThreeNodes() throws Exception {
		int changes = Math.max(200, (int) (20_000 * this.scale));
		double one = run(1, changes);
		double three = run(3, changes);
		return List.of(new Result("N1.changes/s", one, "1/s"), new Result("N3.changes/s", three, "1/s"));
	}

	private double run(int nodeCount, int changes) throws Exception {
		String database = "bench_" + this.runs.incrementAndGet();
		try (Connection connection = this.postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + database);
			statement.execute("ALTER DATABASE " + database + " SET synchronous_commit = on");
		}
		String url = this.postgres.getJdbcUrl("postgres", database);
		List<SyncServer> nodes = new ArrayList<>();
		List<SyncManager> managers = new ArrayList<>();
		try {
			for (int i = 0; i < nodeCount; i++) {
				nodes.add(SyncServer.builder().port(0).jdbcUrl(url, "postgres", "postgres").allowAnonymous().build().start());
			}
			int perWriter = changes / WRITERS;
			List<SyncSession> writers = new ArrayList<>();
			List<SyncSession> readers = new ArrayList<>();
			List<SyncDatabase> readerDatabases = new ArrayList<>();
			for (int w = 0; w < WRITERS; w++) {
				String partition = "nodes-" + w;
				SyncManager writer = manager(nodes.get(w % nodeCount), "n" + nodeCount + "-writer-" + w);
				SyncManager reader = manager(nodes.get((w + 1) % nodeCount), "n" + nodeCount + "-reader-" + w);
				managers.add(writer);
				managers.add(reader);
				SyncDatabase source = open(writer, partition);
				SyncSession session = writer.sessionFor(source).orElseThrow();
				session.suspend();
				for (int start = 0; start < perWriter; start += 100) {
					int from = start;
					source.write(tx -> {
						SyncCollection items = tx.collection("items");
						for (int i = from; i < Math.min(perWriter, from + 100); i++) {
							items.put("i" + i, Map.of("n", i, "body", "b".repeat(150)));
						}
					});
				}
				writers.add(session);
				SyncDatabase sink = open(reader, partition);
				readerDatabases.add(sink);
				readers.add(reader.sessionFor(sink).orElseThrow());
			}
			for (SyncSession reader : readers) {
				reader.downloadAllServerChanges(Duration.ofSeconds(60));
			}
			long begin = System.nanoTime();
			writers.forEach(SyncSession::resume);
			List<CompletableFuture<Void>> arrivals = new ArrayList<>();
			for (SyncDatabase sink : readerDatabases) {
				arrivals.add(CompletableFuture.runAsync(() -> {
					while (sink.collection("items").count() < perWriter) {
						try {
							Thread.sleep(5);
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
							return;
						}
					}
				}));
			}
			CompletableFuture.allOf(arrivals.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
			return perWriter * (double) WRITERS / ((System.nanoTime() - begin) / 1e9);
		}
		finally {
			managers.forEach(SyncManager::close);
			nodes.forEach(SyncServer::close);
		}
	}

	private SyncManager manager(SyncServer node, String name) {
		return SyncManager.create(SyncClientSettings.builder()
			.serverUrl(node.url())
			.baseDirectory(this.workDirectory.resolve("nodes").resolve(name + "-" + System.nanoTime()))
			.reconnectInitialDelay(Duration.ofMillis(100))
			.build());
	}

	private static SyncDatabase open(SyncManager manager, String partition) {
		return manager.open(SyncConfiguration.builder(manager.logIn(SyncCredentials.anonymous()), partition).build());
	}

	@Override
	public void close() throws Exception {
		this.postgres.close();
	}

}
