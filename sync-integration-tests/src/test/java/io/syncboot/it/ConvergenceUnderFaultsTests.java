package io.syncboot.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import io.syncboot.client.Document;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.core.merge.ReplicaState;
import io.syncboot.server.SyncServer;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import io.syncboot.test.proxy.FaultProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Randomized, seeded convergence under faults: 3 to 5 clients on one partition write puts, updates,
 * unsets and deletes on a small key space (so conflicts are frequent) while a fault schedule drops
 * and black-holes their connections through a {@link FaultProxy}, adds latency, suspends and
 * resumes sessions and restarts clients (closing their manager and opening the same files again).
 * After healing and waiting for upload and download completion, every client's documents equal
 * the server's, and both equal a reference model that applies every changeset the server
 * integrated with the merge rules; the server's stored document states equal the model's exactly.
 *
 * <p>{@code -Dsyncboot.convergence.seeds} seeds run (200 by default) from
 * {@code -Dsyncboot.convergence.seed}; a failure prints the seed that replays it with
 * {@code -Dsyncboot.convergence.seeds=1 -Dsyncboot.convergence.seed=<seed>}.
 */
class ConvergenceUnderFaultsTests {

	@TempDir
	static Path temp;

	private static SyncServer server;

	private static JdbcHistoryStore store;

	@BeforeAll
	static void startServer() {
		server = SyncServer.builder().port(0).dataDirectory(temp.resolve("server")).allowAnonymous().build().start();
		store = JdbcHistoryStore.sqliteBesideItsServer(temp.resolve("server"));
	}

	@AfterAll
	static void stopServer() {
		store.close();
		server.close();
	}

	@Test
	void everyReplicaConvergesToTheReferenceModelUnderFaults() throws Exception {
		int seeds = Integer.getInteger("syncboot.convergence.seeds", 200);
		long first = Long.getLong("syncboot.convergence.seed", 1_000);
		int faults = 0;
		int operations = 0;
		for (long seed = first; seed < first + seeds; seed++) {
			try {
				int[] counts = runSeed(seed);
				operations += counts[0];
				faults += counts[1];
			}
			catch (AssertionError | RuntimeException ex) {
				throw new AssertionError("convergence failed for seed " + seed + "; replay with -Dsyncboot.convergence.seeds=1"
						+ " -Dsyncboot.convergence.seed=" + seed + ": " + ex.getMessage(), ex);
			}
		}
		System.out.printf("convergence under faults: %d seeds from %d, %d operations, %d faults injected, all converged%n",
				seeds, first, operations, faults);
	}

	/** Runs one seed; returns {operations, faults}. */
	private int[] runSeed(long seed) throws Exception {
		Random random = new Random(seed);
		String partition = "conv-" + seed;
		int clientCount = 3 + random.nextInt(3);
		List<Client> clients = new ArrayList<>();
		int operations = 0;
		int faults = 0;
		try {
			for (int i = 0; i < clientCount; i++) {
				clients.add(new Client(temp.resolve(partition).resolve("client-" + i), partition));
			}
			int steps = 30 + random.nextInt(40);
			for (int step = 0; step < steps; step++) {
				Client client = clients.get(random.nextInt(clients.size()));
				int roll = random.nextInt(100);
				if (roll < 62) {
					client.write(random);
					operations++;
				}
				else {
					faults++;
					if (roll < 70) {
						client.proxy.dropAll();
					}
					else if (roll < 76) {
						client.proxy.blackHole();
					}
					else if (roll < 81) {
						client.proxy.latency(Duration.ofMillis(random.nextInt(20)));
					}
					else if (roll < 86) {
						client.proxy.heal();
					}
					else if (roll < 91) {
						client.session().suspend();
					}
					else if (roll < 95) {
						client.session().resume();
					}
					else {
						client.restart();
					}
				}
				if (random.nextInt(4) == 0) {
					Thread.sleep(random.nextInt(5));
				}
			}
			for (Client client : clients) {
				client.heal();
			}
			for (Client client : clients) {
				assertThat(client.session().uploadAllLocalChanges(Duration.ofSeconds(60)))
					.as("client %s uploads everything", client.name()).isTrue();
			}
			for (Client client : clients) {
				assertThat(client.session().downloadAllServerChanges(Duration.ofSeconds(60)))
					.as("client %s downloads everything", client.name()).isTrue();
			}
			ServerPartition history = new ServerPartition(store, partition);
			ReplicaState model = history.referenceModel();
			Map<String, Map<String, Object>> expected = ServerPartition.visibleById(model);
			for (Client client : clients) {
				assertThat(client.documents()).as("client %s equals the reference model", client.name())
					.isEqualTo(expected);
			}
			assertThat(history.storedStates()).as("the server's document states equal the model's")
				.isEqualTo(new TreeMap<>(model.documents()));
			return new int[] { operations, faults };
		}
		finally {
			for (Client client : clients) {
				client.close();
			}
		}
	}

	/** One client: its own manager and files, connected through its own fault proxy. */
	private static final class Client implements AutoCloseable {

		private final Path baseDirectory;

		private final String partition;

		private final FaultProxy proxy;

		private SyncManager manager;

		private SyncDatabase database;

		Client(Path baseDirectory, String partition) {
			this.baseDirectory = baseDirectory;
			this.partition = partition;
			this.proxy = FaultProxy.start("127.0.0.1", server.port());
			open();
		}

		private void open() {
			this.manager = SyncManager.create(SyncClientSettings.builder()
				.serverUrl(this.proxy.proxied(server.url()))
				.baseDirectory(this.baseDirectory)
				.reconnectInitialDelay(Duration.ofMillis(20))
				.reconnectMaxDelay(Duration.ofMillis(200))
				.pingInterval(Duration.ofMillis(300))
				.pongTimeout(Duration.ofMillis(1500))
				.connectTimeout(Duration.ofSeconds(3))
				.build());
			this.database = this.manager
				.open(SyncConfiguration.builder(this.manager.logIn(SyncCredentials.anonymous()), this.partition).build());
		}

		String name() {
			return this.baseDirectory.getFileName().toString();
		}

		SyncSession session() {
			return this.manager.sessionFor(this.database).orElseThrow();
		}

		void write(Random random) {
			RandomWriterMain.write(this.database.collection(RandomWriterMain.COLLECTION), random);
		}

		/** Closes the manager and opens the same files again, as a restarted client process would. */
		void restart() {
			this.manager.close();
			open();
		}

		void heal() {
			this.proxy.heal();
			this.proxy.latency(Duration.ZERO);
			this.proxy.dropAll();
			session().resume();
			this.manager.reconnect();
		}

		Map<String, Map<String, Object>> documents() {
			Map<String, Map<String, Object>> documents = new TreeMap<>();
			for (Document document : this.database.collection(RandomWriterMain.COLLECTION).all()) {
				documents.put(document.id(), new HashMap<>(document.fields()));
			}
			return documents;
		}

		@Override
		public void close() {
			this.manager.close();
			this.proxy.close();
		}

	}

}
