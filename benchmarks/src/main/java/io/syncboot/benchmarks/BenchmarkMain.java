package io.syncboot.benchmarks;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark driver. {@code java -jar benchmarks/target/syncboot-benchmarks.jar all} measures
 * every physical limit and every sync metric in interleaved rounds and prints, per metric, the
 * median and spread, and per goal the ratio to its limit with pass or fail. Name metrics instead
 * of {@code all} ({@code s1 s3 ...}) to run only those and the limits they are judged against;
 * {@code nodes} measures 1 versus 3 server nodes on one PostgreSQL database (also part of
 * {@code all}); {@code s8m} bootstraps 1,000,000 documents (not part of {@code all}: it takes
 * minutes); {@code pidle} measures the P1 round trip and the P3 commit after 10 ms idle (P1i, P3i:
 * reference ratios for S1, which meets them paced, not back to back); {@code jmh ...} runs the
 * JMH micro-benchmarks with JMH's own arguments. P7, S5 and S6 run the server in a child JVM (see
 * {@link ChildServer}).
 *
 * <p>Options: {@code --rounds=N} (default 5), {@code --warmup=N} (default 1: rounds run first and
 * left out of the report, so that the figures are of compiled code, not of the JIT compiler at
 * work), {@code --scale=X} (default 1.0; sizes are multiplied by it), {@code --dir=PATH} (work
 * directory, kept; by default a temporary one, deleted at the end).
 */
public final class BenchmarkMain {

	private static final List<String> ORDER = List.of("p1", "p3", "p3w", "pidle", "p4", "p6", "p7", "s1", "s2", "s3",
			"s5", "s6", "s8", "s8m", "nodes");

	/** What {@code all} runs: everything but the 1,000,000-document bootstrap, which takes minutes. */
	private static final List<String> ALL = ORDER.stream().filter(name -> !name.equals("s8m")).toList();

	private static final Map<String, List<String>> NEEDS = Map.of("s1", List.of("p1", "p3", "pidle"), "s2",
			List.of("p3", "p3w"), "s3", List.of("p4", "p6"), "s6", List.of("p7"), "s8", List.of("p6"), "s8m",
			List.of("p6"));

	private BenchmarkMain() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("jmh")) {
			org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
			return;
		}
		try {
			run(args, System.out);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
		}
		System.exit(0);
	}

	/** Runs the benchmarks named in {@code args} and prints the report to {@code out}. */
	static Report run(String[] args, PrintStream out) throws Exception {
		int rounds = 5;
		int warmup = 1;
		double scale = 1.0;
		Path dir = null;
		Set<String> selected = new LinkedHashSet<>();
		for (String arg : args) {
			if (arg.startsWith("--rounds=")) {
				rounds = Integer.parseInt(arg.substring("--rounds=".length()));
			}
			else if (arg.startsWith("--warmup=")) {
				warmup = Integer.parseInt(arg.substring("--warmup=".length()));
			}
			else if (arg.startsWith("--scale=")) {
				scale = Double.parseDouble(arg.substring("--scale=".length()));
			}
			else if (arg.startsWith("--dir=")) {
				dir = Path.of(arg.substring("--dir=".length()));
			}
			else if (arg.equals("all")) {
				selected.addAll(ALL);
			}
			else if (ORDER.contains(arg.toLowerCase(Locale.ROOT))) {
				String name = arg.toLowerCase(Locale.ROOT);
				selected.addAll(NEEDS.getOrDefault(name, List.of()));
				selected.add(name);
			}
			else {
				throw new IllegalArgumentException("unknown argument '" + arg + "'; use all, " + String.join(", ", ORDER)
						+ ", jmh, --rounds=N, --warmup=N, --scale=X, --dir=PATH");
			}
		}
		if (selected.isEmpty()) {
			throw new IllegalArgumentException("name what to run: all, or some of " + String.join(", ", ORDER));
		}
		if (rounds < 1 || warmup < 0 || scale <= 0) {
			throw new IllegalArgumentException("--rounds must be >= 1, --warmup >= 0 and --scale > 0");
		}
		List<String> plan = new ArrayList<>(selected);
		plan.sort(Comparator.comparingInt(ORDER::indexOf));
		Path work = (dir != null) ? Files.createDirectories(dir) : Files.createTempDirectory("syncboot-bench-");
		out.printf(Locale.ROOT,
				"SyncBoot benchmarks: %s, %d round(s) after %d warm-up round(s), scale %s, %d cores, Java %s, work dir %s%n",
				String.join(" ", plan), rounds, warmup, scale, Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.version"), work);
		Report report = new Report();
		long started = System.nanoTime();
		Benchmarks benchmarks = new Benchmarks(new PhysicalLimits(work, scale), new IdleBenchmarks(work, scale),
				new FanOutBenchmark(work, scale));
		try (SyncBenchmarks sync = new SyncBenchmarks(work, scale);
				NodesBenchmark nodes = plan.contains("nodes") ? new NodesBenchmark(work, scale) : null) {
			for (int round = 1 - warmup; round <= rounds; round++) {
				boolean measured = round >= 1;
				Map<String, Double> values = new LinkedHashMap<>();
				for (String name : plan) {
					List<Result> results = measure(name, benchmarks, sync, nodes);
					for (Result result : results) {
						values.put(result.metric(), result.value());
						if (measured) {
							report.add(result);
						}
					}
				}
				if (measured) {
					report.endRound(values);
					out.printf(Locale.ROOT, "round %d: %s%n", round, format(values));
				}
				else {
					out.printf(Locale.ROOT, "warm-up round %d (not reported): %s%n", round + warmup, format(values));
				}
			}
		}
		finally {
			if (dir == null) {
				// a directory of the driver's own: S8m alone leaves about 2 GB in it
				WorkDirectories.deleteTree(work);
			}
		}
		report.print(out);
		out.printf(Locale.ROOT, "%ntotal time: %.0f s%n", (System.nanoTime() - started) / 1e9);
		return report;
	}

	private static List<Result> measure(String name, Benchmarks benchmarks, SyncBenchmarks sync,
			NodesBenchmark nodes) throws Exception {
		return switch (name) {
			case "p1" -> benchmarks.limits().p1WebSocketEcho();
			case "p3" -> benchmarks.limits().p3DurableCommit();
			case "p3w" -> benchmarks.limits().p3LocalWriteShape();
			case "pidle" -> benchmarks.limits().idleRoundTripAndCommit();
			case "p4" -> benchmarks.limits().p4BatchedDurableInsert();
			case "p6" -> benchmarks.limits().p6BulkInsert();
			case "p7" -> benchmarks.idle().p7IdleWebSocketHeap();
			case "s1" -> sync.s1EndToEndLatency();
			case "s2" -> sync.s2DurableLocalWrite();
			case "s3" -> sync.s3UploadThroughput();
			case "s5" -> benchmarks.fanOut().s5FanOut();
			case "s6" -> benchmarks.idle().s6IdleSessionHeap();
			case "s8" -> sync.s8Bootstrap();
			case "s8m" -> sync.s8MillionBootstrap();
			case "nodes" -> nodes.oneVersusThreeNodes();
			default -> throw new IllegalArgumentException(name);
		};
	}

	/** The benchmarks that hold no resources between rounds. */
	private record Benchmarks(PhysicalLimits limits, IdleBenchmarks idle, FanOutBenchmark fanOut) {
	}

	private static String format(Map<String, Double> values) {
		StringBuilder text = new StringBuilder();
		values.forEach((metric, value) -> text.append(String.format(Locale.ROOT, "%s=%.3f ", metric, value)));
		return text.toString().trim();
	}

}
