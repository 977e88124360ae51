package io.syncboot.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Collects the values of every round and judges the goals, each as a ratio of a metric to the
 * physical limit measured in the same round; the median ratio over the rounds decides pass or fail.
 */
final class Report {

	private final Map<String, List<Double>> values = new LinkedHashMap<>();

	private final Map<String, String> units = new LinkedHashMap<>();

	private final List<Map<String, Double>> rounds = new ArrayList<>();

	private final List<Goal> goals = List.of(
			new Goal("S1 p50 latency", "S1.p50 / (P1.p50 + 3 x P3.p50)", "<= 2", 2, false,
					r -> r.get("S1.p50") / (r.get("P1.p50") + 3 * r.get("P3.p50")), "S1.p50", "P1.p50", "P3.p50"),
			new Goal("S1 p99 latency", "S1.p99 / (P1.p99 + 3 x P3.p99)", "<= 3", 3, false,
					r -> r.get("S1.p99") / (r.get("P1.p99") + 3 * r.get("P3.p99")), "S1.p99", "P1.p99", "P3.p99"),
			reference("S1 p50 vs idle limits", "S1.p50 / (P1i.p50 + 3 x P3i.p50)",
					r -> r.get("S1.p50") / (r.get("P1i.p50") + 3 * r.get("P3i.p50")), "S1.p50", "P1i.p50", "P3i.p50"),
			reference("S1 p99 vs idle limits", "S1.p99 / (P1i.p99 + 3 x P3i.p99)",
					r -> r.get("S1.p99") / (r.get("P1i.p99") + 3 * r.get("P3i.p99")), "S1.p99", "P1i.p99", "P3i.p99"),
			new Goal("S2 durable local write", "S2.writes/s / P3.commits/s", ">= 0.8", 0.8, true,
					r -> r.get("S2.writes/s") / r.get("P3.commits/s"), "S2.writes/s", "P3.commits/s"),
			reference("S2 vs raw local-write rows", "S2.writes/s / P3w.commits/s",
					r -> r.get("S2.writes/s") / r.get("P3w.commits/s"), "S2.writes/s", "P3w.commits/s"),
			new Goal("S3 durable upload", "S3.changes/s / min(P6.rows/s, P4b.rows/s)", ">= 0.25", 0.25, true,
					r -> r.get("S3.changes/s") / Math.min(r.get("P6.rows/s"), r.get("P4b.rows/s")), "S3.changes/s",
					"P6.rows/s", "P4b.rows/s"),
			new Goal("S3 floor", "S3.changes/s / 15,000", ">= 1", 1, true, r -> r.get("S3.changes/s") / 15_000,
					"S3.changes/s"),
			new Goal("S8 bootstrap", "S8.rows/s / P6.rows/s", ">= 0.4", 0.4, true,
					r -> r.get("S8.rows/s") / r.get("P6.rows/s"), "S8.rows/s", "P6.rows/s"),
			reference("S8 vs plain 200 B rows", "S8.rows/s / P6plain.rows/s",
					r -> r.get("S8.rows/s") / r.get("P6plain.rows/s"), "S8.rows/s", "P6plain.rows/s"),
			fanOutRate(10), fanOutRate(100), fanOutRate(1000), fanOutLatency(10), fanOutLatency(100),
			fanOutLatency(1000),
			new Goal("S5 K=1000 vs K=10", "S5.K1000.deliveries/s / S5.K10.deliveries/s", ">= 0.5", 0.5, true,
					r -> r.get("S5.K1000.deliveries/s") / r.get("S5.K10.deliveries/s"), "S5.K1000.deliveries/s",
					"S5.K10.deliveries/s"),
			new Goal("S6 idle session heap", "S6.serverKB/session / 24 KB", "<= 1", 1, false,
					r -> r.get("S6.serverKB/session") / 24, "S6.serverKB/session"),
			new Goal("S6 vs raw idle connection", "S6.serverKB/session / (1.5 x P7.heapKB/conn + 4 KB)", "<= 1", 1,
					false, r -> r.get("S6.serverKB/session") / (1.5 * r.get("P7.heapKB/conn") + 4),
					"S6.serverKB/session", "P7.heapKB/conn"),
			new Goal("S8m bootstrap 1M", "S8m.rows/s / P6.rows/s", ">= 0.4", 0.4, true,
					r -> r.get("S8m.rows/s") / r.get("P6.rows/s"), "S8m.rows/s", "P6.rows/s"),
			reference("S8m vs plain 200 B rows", "S8m.rows/s / P6plain.rows/s",
					r -> r.get("S8m.rows/s") / r.get("P6plain.rows/s"), "S8m.rows/s", "P6plain.rows/s"),
			new Goal("3 nodes vs 1", "N3.changes/s / N1.changes/s", ">= 1", 1, true,
					r -> r.get("N3.changes/s") / r.get("N1.changes/s"), "N3.changes/s", "N1.changes/s"));

	/** A ratio printed for reference (no target, neither pass nor fail). */
	private static Goal reference(String name, String formula, ToDoubleFunction<Map<String, Double>> ratio,
			String... metrics) {
		return new Goal(name, formula, "reference", Double.NaN, false, ratio, metrics);
	}

	private static Goal fanOutRate(int k) {
		String metric = "S5.K" + k + ".deliveries/s";
		return new Goal("S5 K=" + k + " deliveries", metric + " / 25,000", ">= 1", 1, true,
				r -> r.get(metric) / 25_000, metric);
	}

	private static Goal fanOutLatency(int k) {
		String metric = "S5.K" + k + ".p99";
		return new Goal("S5 K=" + k + " p99 delivery", metric + " / 100 ms", "<= 1", 1, false,
				r -> r.get(metric) / 100, metric);
	}

	void add(Result result) {
		this.values.computeIfAbsent(result.metric(), key -> new ArrayList<>()).add(result.value());
		this.units.put(result.metric(), result.unit());
	}

	void endRound(Map<String, Double> round) {
		this.rounds.add(round);
	}

	/** The median of a metric over the rounds. */
	double median(String metric) {
		return median(this.values.get(metric));
	}

	/** A metric's value in each reported round, in order; empty if it was not measured. */
	List<Double> samples(String metric) {
		return List.copyOf(this.values.getOrDefault(metric, List.of()));
	}

	/**
	 * The judged goals and the reference ratios: name to median ratio, for those whose metrics were
	 * measured.
	 */
	Map<String, Double> ratios() {
		Map<String, Double> ratios = new LinkedHashMap<>();
		for (Goal goal : this.goals) {
			List<Double> perRound = goal.ratios(this.rounds);
			if (!perRound.isEmpty()) {
				ratios.put(goal.name, median(perRound));
			}
		}
		return ratios;
	}

	void print(PrintStream out) {
		out.println();
		out.println("| metric | median | min | max | unit |");
		out.println("|---|---:|---:|---:|---|");
		this.values.forEach((metric, list) -> out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %s |%n", metric,
				median(list), list.stream().mapToDouble(Double::doubleValue).min().orElse(0),
				list.stream().mapToDouble(Double::doubleValue).max().orElse(0), this.units.get(metric)));
		out.println();
		out.println("| goal | ratio | median | min | max | target | result |");
		out.println("|---|---|---:|---:|---:|---|---|");
		for (Goal goal : this.goals) {
			List<Double> perRound = goal.ratios(this.rounds);
			if (perRound.isEmpty()) {
				continue;
			}
			double median = median(perRound);
			boolean pass = goal.higherIsBetter ? median >= goal.threshold : median <= goal.threshold;
			String result = Double.isNaN(goal.threshold) ? "-" : pass ? "PASS" : "FAIL";
			out.printf(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.3f | %s | %s |%n", goal.name, goal.formula, median,
					perRound.stream().mapToDouble(Double::doubleValue).min().orElse(0),
					perRound.stream().mapToDouble(Double::doubleValue).max().orElse(0), goal.target, result);
		}
	}

	private static double median(List<Double> list) {
		List<Double> sorted = new ArrayList<>(list);
		sorted.sort(Double::compare);
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

	private record Goal(String name, String formula, String target, double threshold, boolean higherIsBetter,
			ToDoubleFunction<Map<String, Double>> ratio, String... metrics) {

		List<Double> ratios(List<Map<String, Double>> rounds) {
			List<Double> ratios = new ArrayList<>();
			for (Map<String, Double> round : rounds) {
				boolean complete = true;
				for (String metric : this.metrics) {
					complete &= round.containsKey(metric);
				}
				if (complete) {
					ratios.add(this.ratio.applyAsDouble(round));
				}
			}
			return ratios;
		}

	}

}
