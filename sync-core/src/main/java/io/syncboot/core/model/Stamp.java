package io.syncboot.core.model;

/**
 * The version of one register write: a hybrid logical clock timestamp and the client file id of
 * the writer. Stamps are totally ordered by timestamp, then file id; the greater stamp wins.
 *
 * @param timestamp the {@link HybridLogicalClock} value of the write
 * @param fileId the client file id of the writer ({@code 0} until the server allocated one)
 */
public record Stamp(long timestamp, long fileId) implements Comparable<Stamp> {

	/** The stamp below every real write. */
	public static final Stamp ZERO = new Stamp(0, 0);

	public Stamp {
		if (timestamp < 0) {
			throw new IllegalArgumentException("timestamp must be >= 0, was " + timestamp);
		}
		if (fileId < 0) {
			throw new IllegalArgumentException("fileId must be >= 0, was " + fileId);
		}
	}

	@Override
	public int compareTo(Stamp other) {
		int byTime = Long.compare(this.timestamp, other.timestamp);
		return (byTime != 0) ? byTime : Long.compare(this.fileId, other.fileId);
	}

	/** Whether this stamp is strictly greater than {@code other}. */
	public boolean isAfter(Stamp other) {
		return compareTo(other) > 0;
	}

	/**
	 * Whether this is a real write (a timestamp above zero) by a file whose id the server has not
	 * assigned yet (file id {@code 0}); such stamps are rewritten once the id is known.
	 */
	public boolean isUnassigned() {
		return this.fileId == 0 && this.timestamp != 0;
	}

	/** The greater of two stamps. */
	public static Stamp max(Stamp a, Stamp b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

}
