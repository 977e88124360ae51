package io.syncboot.benchmarks.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.syncboot.core.merge.ReplicaState;
import io.syncboot.core.model.Operation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Applying 1,000 mixed operations (puts, updates, deletes) on 100 documents from 4 writers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MergeBenchmarks {

	private final List<Operation> operations = new ArrayList<>();

	private final List<Long> writers = new ArrayList<>();

	@Setup
	public void setUp() {
		Random random = new Random(42);
		for (int i = 0; i < 1000; i++) {
			String id = "d-" + random.nextInt(100);
			long timestamp = 1_000_000L + i;
			int roll = random.nextInt(10);
			Operation operation = (roll < 4)
					? new Operation.Put("tasks", id, timestamp, Map.of("title", "t" + i, "done", false))
					: (roll < 9) ? new Operation.Update("tasks", id, timestamp, Map.of("done", random.nextBoolean()))
							: new Operation.Delete("tasks", id, timestamp);
			this.operations.add(operation);
			this.writers.add(1L + random.nextInt(4));
		}
	}

	@Benchmark
	public ReplicaState applyThousandOperations() {
		ReplicaState state = new ReplicaState();
		for (int i = 0; i < this.operations.size(); i++) {
			state.apply(this.operations.get(i), this.writers.get(i));
		}
		return state;
	}

}
