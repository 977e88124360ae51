package io.syncboot.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import io.syncboot.client.Document;
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
 * Kills a writing client process with SIGKILL at random points, again and again: every write the
 * process was told succeeded must be in its local file after each kill and, after sync, on the
 * server. Cycles: {@code -Dsyncboot.crash.cycles} (20 by default); the seed of the kill points is
 * printed and replays with {@code -Dsyncboot.crash.seed}.
 */
class ClientCrashTests {

	private static final String PARTITION = "crash-client";

	@TempDir
	Path temp;

	@Test
	void everyWriteTheClientWasToldSucceededSurvivesKillNineAndReachesTheServer() throws Exception {
		int cycles = Integer.getInteger("syncboot.crash.cycles", 20);
		long seed = Long.getLong("syncboot.crash.seed", System.nanoTime());
		System.out.printf("client crash: seed %d, %d cycles (replay with -Dsyncboot.crash.seed=%d)%n", seed, cycles, seed);
		Random random = new Random(seed);
		Path clientBase = this.temp.resolve("client");
		Set<String> told = new LinkedHashSet<>();
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.temp.resolve("server"))
			.allowAnonymous().build().start()) {
			JavaProcess.warmUp(ClientWriterMain.class.getName(), Path.of("target", "crash-logs", "client-warm-up.log"),
					line -> line.startsWith("UPLOAD"), server.url().toString(), this.temp.resolve("warm-up").toString(),
					"warm-up", "w", "50");
			long start = System.nanoTime();
			for (int cycle = 0; cycle < cycles; cycle++) {
				int target = 20 + random.nextInt(400);
				Set<String> toldThisCycle = new LinkedHashSet<>();
				try (JavaProcess writer = JavaProcess.start(ClientWriterMain.class,
						Path.of("target", "crash-logs", "client-" + cycle + ".log"), server.url().toString(),
						clientBase.toString(), PARTITION, "c" + cycle, "1000000")) {
					writer.awaitLine("READY"::equals, Duration.ofSeconds(60));
					while (toldThisCycle.size() < target) {
						String line = writer.awaitLine(l -> l.startsWith("WROTE "), Duration.ofSeconds(60));
						toldThisCycle.add(line.substring("WROTE ".length()));
					}
					writer.kill();
					String line;
					while ((line = writer.nextLine(Duration.ZERO)) != null) {
						if (line.startsWith("WROTE ")) {
							toldThisCycle.add(line.substring("WROTE ".length()));
						}
					}
				}
				told.addAll(toldThisCycle);
				Set<String> local = localIds(clientBase, server);
				assertThat(local).as("seed %d, cycle %d: writes told succeeded are in the local file", seed, cycle)
					.containsAll(told);
			}

			// After the last kill, let the client sync and check the server has every told write.
			try (SyncManager manager = SyncManager.create(ClientWriterMain.settings(server.url(), clientBase))) {
				SyncUser user = manager.logIn(SyncCredentials.anonymous());
				SyncDatabase database = manager.open(SyncConfiguration.builder(user, PARTITION).build());
				assertThat(manager.sessionFor(database).orElseThrow().uploadAllLocalChanges(Duration.ofSeconds(60)))
					.as("seed %d: upload completes", seed).isTrue();
				assertThat(database.pendingChanges()).isZero();
			}
			try (SyncManager fresh = SyncManager.create(ClientWriterMain.settings(server.url(), this.temp.resolve("fresh")))) {
				SyncUser user = fresh.logIn(SyncCredentials.anonymous());
				SyncDatabase database = fresh.open(SyncConfiguration.builder(user, PARTITION).build());
				assertThat(fresh.sessionFor(database).orElseThrow().downloadAllServerChanges(Duration.ofSeconds(60)))
					.isTrue();
				Set<String> onServer = ids(database);
				assertThat(onServer).as("seed %d: every told write reached the server", seed).containsAll(told);
				assertThat(onServer).as("seed %d: nothing but the writer's ids", seed)
					.allMatch(id -> id.matches("c\\d+-\\d+"));
				System.out.printf("client crash: %d SIGKILL cycles in %d ms, %d writes told succeeded, all in the local file"
						+ " after every kill and on the server at the end: lost = 0%n", cycles,
						(System.nanoTime() - start) / 1_000_000, told.size());
			}
		}
	}

	/** Opens the client's base directory in this process (the writer is dead) and reads its ids. */
	private static Set<String> localIds(Path clientBase, SyncServer server) {
		try (SyncManager manager = SyncManager.create(ClientWriterMain.settings(server.url(), clientBase))) {
			SyncUser user = manager.logIn(SyncCredentials.anonymous());
			SyncDatabase database = manager.open(SyncConfiguration.builder(user, PARTITION).build());
			return ids(database);
		}
	}

	private static Set<String> ids(SyncDatabase database) {
		return database.collection(ClientWriterMain.COLLECTION).all().stream().map(Document::id)
			.collect(Collectors.toCollection(HashSet::new));
	}

}
