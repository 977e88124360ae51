package io.syncboot.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Samples this JVM's used heap every 20 ms on a daemon thread between {@link #start()} and
 * {@link #close()} and keeps the highest value: an upper bound of what a phase needed, garbage not
 * yet collected included. {@link #peakBytes()} may be read from any thread.
 */
final class HeapPeak implements AutoCloseable {

	private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	private volatile long peak;

	private volatile boolean running;

	private Thread sampler;

	HeapPeak start() {
		this.running = true;
		this.sampler = new Thread(() -> {
			while (this.running) {
				sample();
				try {
					Thread.sleep(20);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "heap-peak-sampler");
		this.sampler.setDaemon(true);
		this.sampler.start();
		return this;
	}

	private void sample() {
		long used = this.memory.getHeapMemoryUsage().getUsed();
		if (used > this.peak) {
			this.peak = used;
		}
	}

	/** The used heap now (garbage included). */
	long usedBytes() {
		return this.memory.getHeapMemoryUsage().getUsed();
	}

	long peakBytes() {
		sample();
		return this.peak;
	}

	@Override
	public void close() {
		this.running = false;
		if (this.sampler != null) {
			this.sampler.interrupt();
		}
	}

}
