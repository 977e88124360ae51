package io.syncboot.client.internal.progress;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

import io.syncboot.client.ProgressDirection;
import io.syncboot.client.ProgressListener;
import io.syncboot.client.ProgressMode;
import io.syncboot.client.ProgressNotificationToken;
import io.syncboot.client.SyncProgress;
import org.jspecify.annotations.Nullable;

/**
 * One registered progress listener. Reports are offered by the tracker (under its lock) and
 * delivered on the session's serial progress executor; a report not delivered yet is replaced by a
 * newer one, so a slow listener sees the latest progress and never queues work up. For
 * {@link ProgressMode#FOR_CURRENTLY_OUTSTANDING_WORK} it holds the captured work. Thread-safe.
 */
final class ProgressRegistration implements ProgressNotificationToken {

	private final ProgressTracker tracker;

	final ProgressDirection direction;

	final ProgressMode mode;

	private final ProgressListener listener;

	private final Executor executor;

	private final AtomicReference<@Nullable SyncProgress> pending = new AtomicReference<>();

	private volatile boolean invalidated;

	// guarded by the tracker's lock
	boolean captured;

	long start;

	long target;

	double estimate;

	@Nullable SyncProgress lastOffered;

	ProgressRegistration(ProgressTracker tracker, ProgressDirection direction, ProgressMode mode,
			ProgressListener listener, Executor executor) {
		this.tracker = tracker;
		this.direction = direction;
		this.mode = mode;
		this.listener = listener;
		this.executor = executor;
	}

	/** Captures the outstanding work of {@code progress} (guarded by the tracker's lock). */
	void capture(DirectionProgress progress) {
		this.captured = true;
		this.start = Math.min(progress.baseline(), progress.transferred());
		this.target = progress.transferable();
		this.estimate = 0.0;
	}

	/**
	 * The report for {@code progress} (guarded by the tracker's lock): as is when reporting
	 * indefinitely, else measured against the captured work.
	 */
	SyncProgress reportFor(DirectionProgress progress) {
		if (this.mode == ProgressMode.REPORT_INDEFINITELY) {
			return progress.current();
		}
		long transferred = progress.transferred();
		if (progress.transferable() < this.target) {
			// the first estimate of the work was too high (a download's remaining bytes are an estimate)
			this.target = Math.max(progress.transferable(), this.start);
		}
		if (transferred >= this.target) {
			this.estimate = 1.0;
			return new SyncProgress(transferred, Math.max(this.target, transferred), 1.0);
		}
		this.estimate = Math.max(this.estimate, DirectionProgress.fraction(transferred, this.start, this.target));
		return new SyncProgress(transferred, this.target, this.estimate);
	}

	/** Queues a report unless it equals the last one (guarded by the tracker's lock). */
	void offer(SyncProgress progress) {
		if (progress.equals(this.lastOffered) || this.invalidated) {
			return;
		}
		this.lastOffered = progress;
		if (this.pending.getAndSet(progress) == null) {
			this.executor.execute(this::deliver);
		}
	}

	private void deliver() {
		SyncProgress progress = this.pending.getAndSet(null);
		if (progress != null && !this.invalidated) {
			this.listener.onProgress(progress);
		}
	}

	/** Stops delivering, without unregistering (the tracker does that). */
	void cancel() {
		this.invalidated = true;
		this.pending.set(null);
	}

	@Override
	public void invalidate() {
		cancel();
		this.tracker.remove(this);
	}

}
