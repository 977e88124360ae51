package io.syncboot.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Runs every benchmark once at a tiny scale so the driver never rots: every limit and metric is
 * measured, every goal judged.
 */
class BenchmarkSmokeTests {

	@TempDir
	Path temp;

	@Test
	void everyMetricIsMeasuredAndEveryGoalJudged() throws Exception {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		Report report = BenchmarkMain.run(new String[] { "all", "--rounds=1", "--warmup=0", "--scale=0.01", "--dir=" + this.temp },
				new PrintStream(buffer, true, StandardCharsets.UTF_8));
		String output = buffer.toString(StandardCharsets.UTF_8);
		for (String metric : new String[] { "P1.p50", "P1.p99", "P3.commits/s", "P3w.commits/s", "P3.p50", "P4b.rows/s",
				"P6.rows/s", "P6plain.rows/s", "P7.heapKB/conn", "P7.connects/s", "P1i.p50", "P3i.p99", "S1.p50", "S1.p99",
				"S2.writes/s", "S3.changes/s", "S5.K10.deliveries/s", "S5.K10.p99", "S5.K100.deliveries/s", "S5.K1000.deliveries/s", "S5.K1000.p99",
				"S6.serverKB/session", "S8.rows/s", "S8.heapPeakMB", "S8.clientCpu/doc", "S8.serverCpu/doc", "N1.changes/s",
				"N3.changes/s" }) {
			assertThat(report.median(metric)).as(metric).isPositive().isFinite();
			assertThat(output).contains("| " + metric + " |");
		}
		// an idle Tomcat WebSocket connection costs kilobytes of server heap (about 17 KB at full size):
		// a figure near zero would mean the heap of the wrong process was measured. The smoke run's
		// 1,000 connections put a collection's noise within a kilobyte per connection (one CI run read
		// 0.7 KB for P7), so the bound is a quarter of a kilobyte, still far above the 0.06 KB of
		// noise a wrong process would show
		assertThat(report.median("P7.heapKB/conn")).isGreaterThan(0.25);
		assertThat(report.median("S6.serverKB/session")).isGreaterThan(0.25);
		// per idle client session: a few kilobytes, within the noise of a JVM that runs everything else
		assertThat(report.median("S6.clientKB/session")).isFinite();
		assertThat(report.ratios()).containsOnlyKeys("S1 p50 latency", "S1 p99 latency", "S1 p50 vs idle limits",
				"S1 p99 vs idle limits", "S2 durable local write", "S2 vs raw local-write rows", "S3 durable upload",
				"S3 floor", "S5 K=10 deliveries", "S5 K=100 deliveries", "S5 K=1000 deliveries", "S5 K=10 p99 delivery", "S5 K=100 p99 delivery", "S5 K=1000 p99 delivery", "S5 K=1000 vs K=10",
				"S6 idle session heap", "S6 vs raw idle connection", "S8 bootstrap", "S8 vs plain 200 B rows", "3 nodes vs 1");
		assertThat(output).doesNotContain("S8m");
		assertThat(report.ratios().values()).allSatisfy(ratio -> assertThat(ratio).isPositive().isFinite());
		assertThat(output).containsPattern("\\| S3 durable upload \\|.*\\| (PASS|FAIL) \\|");
		assertThat(output).containsPattern("\\| S1 p50 vs idle limits \\|.*\\| reference \\| - \\|");
	}

	@Test
	void aSingleMetricRunsWithTheLimitsItIsJudgedAgainst() throws Exception {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		Report report = BenchmarkMain.run(new String[] { "s2", "--rounds=1", "--warmup=0", "--scale=0.01", "--dir=" + this.temp },
				new PrintStream(buffer, true, StandardCharsets.UTF_8));
		assertThat(report.ratios()).containsOnlyKeys("S2 durable local write", "S2 vs raw local-write rows");
	}

	@Test
	void warmUpRoundsRunButStayOutOfTheReport() throws Exception {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		Report report = BenchmarkMain.run(new String[] { "p3", "--rounds=2", "--warmup=1", "--scale=0.01",
				"--dir=" + this.temp }, new PrintStream(buffer, true, StandardCharsets.UTF_8));
		String output = buffer.toString(StandardCharsets.UTF_8);
		assertThat(output).contains("2 round(s) after 1 warm-up round(s)").contains("warm-up round 1 (not reported): P3.")
			.contains("round 1: P3.").contains("round 2: P3.").doesNotContain("round 3:");
		assertThat(report.samples("P3.commits/s")).hasSize(2);
	}

	@Test
	void theMillionDocumentBootstrapRunsByNameOnly() throws Exception {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		Report report = BenchmarkMain.run(new String[] { "s8m", "--rounds=1", "--warmup=0", "--scale=0.002", "--dir=" + this.temp },
				new PrintStream(buffer, true, StandardCharsets.UTF_8));
		assertThat(report.median("S8m.rows/s")).isPositive().isFinite();
		assertThat(report.median("S8m.heapPeakMB")).isPositive();
		assertThat(report.median("S8m.serverCpu/doc")).isPositive().isFinite();
		assertThat(report.ratios()).containsOnlyKeys("S8m bootstrap 1M", "S8m vs plain 200 B rows");
	}

	@Test
	void rejectsUnknownArguments() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchmarkMain.run(new String[] { "s42" }, new PrintStream(new ByteArrayOutputStream())))
			.withMessageContaining("unknown argument 's42'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchmarkMain.run(new String[0], new PrintStream(new ByteArrayOutputStream())))
			.withMessageContaining("name what to run");
	}

}
