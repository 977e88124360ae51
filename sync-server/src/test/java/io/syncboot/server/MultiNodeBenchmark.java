package io.syncboot.server;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.test.postgres.EmbeddedDatabase;

/**
 * Throughput of 1 versus 3 server nodes on one PostgreSQL database (a program, not a test):
 * {@code W} writers, each on its own partition with one reader attached to a different node, upload
 * {@code N} changesets each with at most {@code 16} unacknowledged; the figure is the changesets per
 * second until every reader received every changeset. Arguments: {@code [writers] [changesets]}
 * (default 12 and 500). Run from {@code sync-server}:
 *
 * <pre>
 * mvn -B -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) io.syncboot.server.MultiNodeBenchmark
 * </pre>
 */
public final class MultiNodeBenchmark {

	private static final int WINDOW = 16;

	private MultiNodeBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int writers = (args.length > 0) ? Integer.parseInt(args[0]) : 12;
		int changesets = (args.length > 1) ? Integer.parseInt(args[1]) : 500;
		try (EmbeddedDatabase database = EmbeddedDatabase.start()) {
			for (int round = 0; round < 2; round++) {
				for (int nodes : new int[] { 1, 3 }) {
					double rate = run(database, nodes, writers, changesets);
					System.out.printf("%s nodes=%d writers=%d changesets=%d: %.0f changesets/s%n",
							(round == 0) ? "warm-up" : "result ", nodes, writers, writers * changesets, rate);
				}
			}
		}
	}

	private static double run(EmbeddedDatabase database, int nodeCount, int writers, int changesets) throws Exception {
		String url = database.createDatabase();
		// this benchmark's PostgreSQL commits durably, as production does
		EmbeddedDatabase.execute(url, "ALTER DATABASE " + url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "")
				+ " SET synchronous_commit = on");
		List<SyncServer> nodes = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(2 * writers);
		try {
			for (int i = 0; i < nodeCount; i++) {
				nodes.add(SyncServer.builder().port(0).jdbcUrl(url, database.user(), database.password()).allowAnonymous()
					.build().start());
			}
			List<CompletableFuture<?>> done = new ArrayList<>();
			List<RawSyncClient> readers = new ArrayList<>();
			for (int w = 0; w < writers; w++) {
				RawSyncClient reader = new RawSyncClient(nodes.get((w + 1) % nodeCount).url());
				reader.bindNew(1, "bench-" + w);
				reader.expect(SyncMessage.Download.class);
				readers.add(reader);
			}
			long start = System.nanoTime();
			for (int w = 0; w < writers; w++) {
				URI node = nodes.get(w % nodeCount).url();
				String partition = "bench-" + w;
				RawSyncClient reader = readers.get(w);
				done.add(CompletableFuture.runAsync(() -> write(node, partition, changesets), pool));
				done.add(CompletableFuture.runAsync(() -> reader.downloadsUntil(d -> d.serverVersion() == changesets), pool));
			}
			CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
			double seconds = (System.nanoTime() - start) / 1e9;
			readers.forEach(RawSyncClient::close);
			return writers * (double) changesets / seconds;
		}
		finally {
			pool.shutdownNow();
			nodes.forEach(SyncServer::close);
		}
	}

	private static void write(URI node, String partition, int changesets) {
		try (RawSyncClient client = new RawSyncClient(node)) {
			client.bindNew(1, partition);
			long ack = client.expect(SyncMessage.Download.class).uploadAck();
			int sent = 0;
			while (ack < changesets) {
				while (sent < changesets && sent - ack < WINDOW) {
					sent++;
					client.upload(1, new Changeset(sent, 0, List.of(new Operation.Put("items", "i" + sent, 1_000 + sent,
							Map.of("text", "value " + sent, "n", sent)))));
				}
				ack = Math.max(ack, client.expect(SyncMessage.Download.class).uploadAck());
			}
		}
	}

}
