package io.syncboot.benchmarks.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncCollection;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The outbox write: one {@code put} of a 200 B document on a suspended session, which commits the
 * document row and its outbox entry in one durable transaction (S2's unit of work), cycling over
 * 10,000 document ids. {@code medium=disk} puts the database in the temporary directory (a real
 * flush per write, as S2); {@code medium=memory} in {@code /dev/shm}, where a flush waits for no
 * device, so the figure is the CPU the client spends per write (Linux only; elsewhere run with
 * {@code -p medium=disk}). The session's server address is never contacted: the session is
 * suspended before the first write.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LocalWriteBenchmarks {

	private static final String PAYLOAD = "p".repeat(180);

	@Param({ "disk", "memory" })
	public String medium = "disk";

	private Path directory = Path.of(".");

	private SyncManager manager;

	private SyncCollection collection;

	private long n;

	@Setup(Level.Trial)
	public void setUp() throws IOException {
		Path parent = switch (this.medium) {
			case "disk" -> Path.of(System.getProperty("java.io.tmpdir"));
			case "memory" -> {
				Path shm = Path.of("/dev/shm");
				if (!Files.isDirectory(shm)) {
					throw new IllegalStateException("medium=memory needs /dev/shm (Linux); run with -p medium=disk");
				}
				yield shm;
			}
			default -> throw new IllegalArgumentException("medium must be disk or memory, not " + this.medium);
		};
		this.directory = Files.createTempDirectory(parent, "syncboot-jmh-");
		this.manager = SyncManager.create(SyncClientSettings.builder()
			.serverUrl(URI.create("ws://127.0.0.1:9/sync"))
			.baseDirectory(this.directory)
			.build());
		SyncDatabase database = this.manager.open(SyncConfiguration
			.builder(this.manager.logIn(SyncCredentials.anonymous()), "jmh-local-writes")
			.build());
		this.manager.sessionFor(database).orElseThrow().suspend();
		this.collection = database.collection("writes");
	}

	@Benchmark
	public void put() {
		long i = this.n++;
		this.collection.put("w-" + (i % 10_000), Map.of("n", i, "body", PAYLOAD));
	}

	@TearDown(Level.Trial)
	public void tearDown() throws IOException {
		this.manager.close();
		try (Stream<Path> paths = Files.walk(this.directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.delete(path);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
	}

}
