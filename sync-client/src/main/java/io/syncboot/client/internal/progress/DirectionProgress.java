package io.syncboot.client.internal.progress;

import io.syncboot.client.SyncProgress;

/**
 * The progress of one direction: the byte counters and the estimate of the current batch of work.
 * A batch starts when work appears after everything was transferred and ends when everything is
 * transferred again; the estimate is measured from the batch's start ({@link #baseline()}) and
 * never decreases within a batch. Not thread-safe: guarded by its {@link ProgressTracker}'s lock.
 */
final class DirectionProgress {

	private boolean known;

	private long transferred;

	private long transferable;

	private long baseline;

	private double estimate = 1.0;

	/** Whether any counters were reported yet. */
	boolean known() {
		return this.known;
	}

	/** The transferred bytes when the current batch started. */
	long baseline() {
		return this.baseline;
	}

	long transferred() {
		return this.transferred;
	}

	long transferable() {
		return this.transferable;
	}

	/**
	 * Takes new counters.
	 * @return whether the reported progress changed
	 */
	boolean update(long newTransferred, long newTransferable) {
		long total = Math.max(newTransferable, newTransferred);
		if (this.known && newTransferred == this.transferred && total == this.transferable) {
			return false;
		}
		this.known = true;
		if (newTransferred < this.baseline) {
			this.baseline = newTransferred;
		}
		this.transferred = newTransferred;
		this.transferable = total;
		if (newTransferred >= total) {
			this.estimate = 1.0;
			this.baseline = newTransferred;
		}
		else {
			double raw = fraction(newTransferred, this.baseline, total);
			this.estimate = (this.estimate >= 1.0) ? raw : Math.max(this.estimate, raw);
		}
		return true;
	}

	SyncProgress current() {
		return new SyncProgress(this.transferred, this.transferable, this.estimate);
	}

	/** (transferred - start) / (target - start), in [0, 1). */
	static double fraction(long transferred, long start, long target) {
		if (target <= start) {
			return 0.0;
		}
		double value = (double) (transferred - start) / (double) (target - start);
		return Math.min(Math.max(value, 0.0), Math.nextDown(1.0));
	}

}
