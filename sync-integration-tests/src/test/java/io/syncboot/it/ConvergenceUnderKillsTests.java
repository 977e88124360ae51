package io.syncboot.it;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import io.syncboot.core.codec.MessageCodec;
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
 * Randomized, seeded convergence with real client processes: 3 clients are child JVMs
 * ({@link RandomWriterMain}) writing random puts, updates, unsets and deletes on a small key space
 * through their own {@link FaultProxy}, while the schedule drops, black-holes and delays their
 * connections, suspends and resumes their sessions, and kills them with SIGKILL (between writes or
 * in the middle of one) and restarts them on the same local files. After healing, every client is
 * killed and restarted a last time, waits for upload and then download completion, and its
 * documents must equal the server's and a reference model that applies every changeset the server
 * acknowledged with the merge rules; the server's stored states must equal the model's exactly.
 *
 * <p>{@code -Dsyncboot.convergence.kill.seeds} seeds run (5 by default) from
 * {@code -Dsyncboot.convergence.kill.seed} (random by default, printed); a failure prints the
 * seed that replays it with {@code -Dsyncboot.convergence.kill.seeds=1
 * -Dsyncboot.convergence.kill.seed=<seed>}.
 */
class ConvergenceUnderKillsTests {

	private static final int CLIENTS = 3;

	private static final Duration TIMEOUT = Duration.ofSeconds(90);

	@TempDir
	static Path temp;

	private static SyncServer server;

	private static JdbcHistoryStore store;

	private final MessageCodec codec = new MessageCodec();

	@BeforeAll
	static void startServer() throws Exception {
		server = SyncServer.builder().port(0).dataDirectory(temp.resolve("server")).allowAnonymous().build().start();
		store = JdbcHistoryStore.sqliteBesideItsServer(temp.resolve("server"));
		JavaProcess.warmUp(RandomWriterMain.class.getName(), Path.of("target", "convergence-logs", "warm-up.log"),
				"READY"::equals, server.url().toString(), temp.resolve("warm-up").toString(), "warm-up");
	}

	@AfterAll
	static void stopServer() {
		store.close();
		server.close();
	}

	@Test
	void clientProcessesKilledUnderNetworkFaultsConvergeToTheReferenceModel() throws Exception {
		int seeds = Integer.getInteger("syncboot.convergence.kill.seeds", 5);
		long first = Long.getLong("syncboot.convergence.kill.seed", System.nanoTime() % 1_000_000_000L);
		System.out.printf("convergence under kills: %d seeds from %d%n", seeds, first);
		long start = System.nanoTime();
		int[] totals = new int[4];
		for (long seed = first; seed < first + seeds; seed++) {
			try {
				int[] counts = runSeed(seed);
				for (int i = 0; i < totals.length; i++) {
					totals[i] += counts[i];
				}
			}
			catch (AssertionError | RuntimeException ex) {
				throw new AssertionError("convergence under kills failed for seed " + seed + "; replay with"
						+ " -Dsyncboot.convergence.kill.seeds=1 -Dsyncboot.convergence.kill.seed=" + seed + ": "
						+ ex.getMessage(), ex);
			}
		}
		System.out.printf("convergence under kills: %d seeds from %d in %d ms, %d writes, %d network faults,"
				+ " %d SIGKILLs (last restarts included), %d changesets acknowledged, all converged, lost = 0%n", seeds,
				first, (System.nanoTime() - start) / 1_000_000, totals[0], totals[1], totals[2], totals[3]);
	}

	/** Runs one seed; returns {writes, network faults, kills, acknowledged changesets}. */
	private int[] runSeed(long seed) throws Exception {
		Random random = new Random(seed);
		String partition = "kill-" + seed;
		List<Client> clients = new ArrayList<>();
		int writes = 0;
		int faults = 0;
		int kills = 0;
		try {
			for (int i = 0; i < CLIENTS; i++) {
				clients.add(new Client(temp.resolve(partition).resolve("client-" + i), partition));
			}
			int steps = 25 + random.nextInt(25);
			for (int step = 0; step < steps; step++) {
				Client client = clients.get(random.nextInt(clients.size()));
				int roll = random.nextInt(100);
				if (roll < 55) {
					for (int burst = 1 + random.nextInt(3); burst > 0; burst--) {
						client.write(random.nextLong());
						writes++;
					}
				}
				else if (roll < 88) {
					faults++;
					if (roll < 63) {
						client.proxy.dropAll();
					}
					else if (roll < 69) {
						client.proxy.blackHole();
					}
					else if (roll < 74) {
						client.proxy.latency(Duration.ofMillis(random.nextInt(20)));
					}
					else if (roll < 80) {
						client.proxy.heal();
					}
					else if (roll < 84) {
						client.command("SUSPEND");
					}
					else {
						client.command("RESUME");
					}
				}
				else {
					kills++;
					if (random.nextBoolean()) {
						// kill in the middle of a write: it may or may not have committed locally
						client.process.send("WRITE " + random.nextLong());
						Thread.sleep(random.nextInt(30));
					}
					client.restart(random.nextInt(200));
				}
				if (random.nextInt(4) == 0) {
					Thread.sleep(random.nextInt(20));
				}
			}
			for (Client client : clients) {
				client.proxy.heal();
				client.proxy.latency(Duration.ZERO);
				client.proxy.dropAll();
				client.restart(0);
				kills++;
			}
			for (Client client : clients) {
				assertThat(client.command("UPLOAD")).as("client %s uploads everything", client.name())
					.isEqualTo("UPLOADED true");
			}
			for (Client client : clients) {
				assertThat(client.command("DOWNLOAD")).as("client %s downloads everything", client.name())
					.isEqualTo("DOWNLOADED true");
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
			return new int[] { writes, faults, kills, (int) history.integratedChangesets() };
		}
		finally {
			for (Client client : clients) {
				client.close();
			}
		}
	}

	private static boolean isAnswer(String line) {
		return line.equals("DONE") || line.startsWith("UPLOADED ") || line.startsWith("DOWNLOADED ")
				|| line.startsWith("DOC ") || line.equals("END");
	}

	/** One client process with its own files, connected through its own fault proxy. */
	private final class Client implements AutoCloseable {

		private final Path baseDirectory;

		private final String partition;

		private final FaultProxy proxy;

		private JavaProcess process;

		private int starts;

		Client(Path baseDirectory, String partition) throws IOException {
			this.baseDirectory = baseDirectory;
			this.partition = partition;
			this.proxy = FaultProxy.start("127.0.0.1", server.port());
			start();
		}

		/** Starts the process; commands sent before it is ready wait in its standard input. */
		private void start() throws IOException {
			this.process = JavaProcess.start(RandomWriterMain.class,
					Path.of("target", "convergence-logs", this.partition + "-" + name() + "-" + this.starts++ + ".log"),
					this.proxy.proxied(server.url()).toString(), this.baseDirectory.toString(), this.partition);
		}

		String name() {
			return this.baseDirectory.getFileName().toString();
		}

		void write(long seed) throws Exception {
			assertThat(command("WRITE " + seed)).isEqualTo("DONE");
		}

		/** Sends a command and returns its answer. */
		String command(String command) throws Exception {
			this.process.send(command);
			return this.process.awaitLine(ConvergenceUnderKillsTests::isAnswer, TIMEOUT);
		}

		/** SIGKILL, then a new process on the same files after {@code downMillis}. */
		void restart(int downMillis) throws Exception {
			this.process.kill();
			if (downMillis > 0) {
				Thread.sleep(downMillis);
			}
			start();
		}

		Map<String, Map<String, Object>> documents() throws Exception {
			Map<String, Map<String, Object>> documents = new TreeMap<>();
			String line = command("DUMP");
			while (!line.equals("END")) {
				assertThat(line).startsWith("DOC ");
				int space = line.indexOf(' ', 4);
				documents.put(line.substring(4, space),
						ConvergenceUnderKillsTests.this.codec.decodeFields(line.substring(space + 1)));
				line = this.process.awaitLine(ConvergenceUnderKillsTests::isAnswer, TIMEOUT);
			}
			return documents;
		}

		@Override
		public void close() throws Exception {
			this.process.close();
			this.proxy.close();
		}

	}

}
