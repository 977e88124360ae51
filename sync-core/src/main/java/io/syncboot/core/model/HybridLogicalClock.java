package io.syncboot.core.model;

import java.util.function.LongSupplier;

/**
 * A hybrid logical clock (Kulkarni et al.): timestamps that follow wall-clock milliseconds but never
 * go backwards and stay ahead of every timestamp observed from others. A value packs milliseconds in
 * the high 48 bits and a counter in the low 16 bits, so values compare as plain {@code long}s.
 *
 * <p>Thread-safe: methods are synchronized. The wall clock is supplied by the owner (the core reads
 * no clock of its own).
 */
public final class HybridLogicalClock {

	private static final int COUNTER_BITS = 16;

	private static final long COUNTER_MASK = (1L << COUNTER_BITS) - 1;

	private final LongSupplier wallMillis;

	private long last; // guarded by this

	/**
	 * Creates a clock.
	 * @param wallMillis the wall clock in milliseconds since the epoch
	 * @param lastIssued the greatest value issued before (persisted by the owner), or {@code 0}
	 */
	public HybridLogicalClock(LongSupplier wallMillis, long lastIssued) {
		if (wallMillis == null) {
			throw new IllegalArgumentException("wallMillis must not be null");
		}
		if (lastIssued < 0) {
			throw new IllegalArgumentException("lastIssued must be >= 0, was " + lastIssued);
		}
		this.wallMillis = wallMillis;
		this.last = lastIssued;
	}

	/**
	 * A new timestamp for a local event, greater than every value issued or observed before.
	 * @throws IllegalStateException if the clock already reached {@link Long#MAX_VALUE}
	 */
	public synchronized long next() {
		long physical = pack(wallMillis.getAsLong(), 0);
		if (this.last == Long.MAX_VALUE) {
			throw new IllegalStateException("the clock reached its largest value and cannot issue a greater one");
		}
		this.last = Math.max(physical, this.last + 1);
		return this.last;
	}

	/**
	 * Moves the clock past a timestamp received from another replica.
	 * @throws IllegalArgumentException if {@code remote} is negative
	 */
	public synchronized void observe(long remote) {
		if (remote < 0) {
			throw new IllegalArgumentException("remote clock value must be >= 0, was " + remote);
		}
		if (remote > this.last) {
			this.last = remote;
		}
	}

	/** The greatest value issued or observed so far. */
	public synchronized long last() {
		return this.last;
	}

	/**
	 * Packs milliseconds and a counter into one clock value.
	 * @throws IllegalArgumentException if {@code millis} is negative or needs more than 47 bits, or
	 * {@code counter} is outside {@code 0..65535}
	 */
	public static long pack(long millis, int counter) {
		if (millis < 0 || millis >= (1L << (63 - COUNTER_BITS))) {
			throw new IllegalArgumentException("millis out of range: " + millis);
		}
		if (counter < 0 || counter > COUNTER_MASK) {
			throw new IllegalArgumentException("counter out of range 0.." + COUNTER_MASK + ": " + counter);
		}
		return (millis << COUNTER_BITS) | (counter & COUNTER_MASK);
	}

	/** The milliseconds part of a clock value. */
	public static long millis(long timestamp) {
		return timestamp >>> COUNTER_BITS;
	}

}
