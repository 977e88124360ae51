package io.syncboot.benchmarks;

import java.util.Arrays;

/**
 * Latency samples in nanoseconds with exact percentiles. Not thread-safe: record from one thread
 * or synchronize.
 */
final class Samples {

	private long[] values = new long[1024];

	private int size;

	void record(long nanos) {
		if (this.size == this.values.length) {
			this.values = Arrays.copyOf(this.values, this.size * 2);
		}
		this.values[this.size++] = nanos;
	}

	int size() {
		return this.size;
	}

	/** The given percentile (0-100) in milliseconds. */
	double percentileMillis(double percentile) {
		if (this.size == 0) {
			throw new IllegalStateException("no samples");
		}
		long[] sorted = Arrays.copyOf(this.values, this.size);
		Arrays.sort(sorted);
		int index = (int) Math.ceil(percentile / 100.0 * this.size) - 1;
		return sorted[Math.max(0, Math.min(this.size - 1, index))] / 1_000_000.0;
	}

}
