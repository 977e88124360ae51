package io.syncboot.client.internal.connection;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential reconnect backoff with jitter: the first delay is the initial delay, each next one
 * the previous times the multiplier, capped at the maximum; from each, a random share of up to
 * {@code jitter} is taken off. Loop thread only.
 */
public final class Backoff {

	private final long initialNanos;

	private final double multiplier;

	private final long maxNanos;

	private final double jitter;

	private final RandomGenerator random;

	private long currentNanos; // loop thread only; 0 = no failure since the last reset

	public Backoff(Duration initial, double multiplier, Duration max, double jitter, RandomGenerator random) {
		this.initialNanos = initial.toNanos();
		this.multiplier = multiplier;
		this.maxNanos = max.toNanos();
		this.jitter = jitter;
		this.random = random;
	}

	/** The delay before the next attempt, escalating. */
	public Duration nextDelay() {
		if (this.currentNanos == 0) {
			this.currentNanos = this.initialNanos;
		}
		else {
			double next = this.currentNanos * this.multiplier;
			this.currentNanos = (next >= this.maxNanos) ? this.maxNanos : (long) next;
		}
		long deduction = (long) (this.currentNanos * this.jitter * this.random.nextDouble());
		return Duration.ofNanos(this.currentNanos - deduction);
	}

	/** Starts the ladder over: the next delay is the initial one. */
	public void reset() {
		this.currentNanos = 0;
	}

}
