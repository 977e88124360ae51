package io.syncboot.client.internal.progress;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

import io.syncboot.client.ProgressDirection;
import io.syncboot.client.ProgressListener;
import io.syncboot.client.ProgressMode;
import io.syncboot.client.ProgressNotificationToken;
import io.syncboot.client.SyncProgress;

/**
 * The upload and download progress of one session and its progress notifications: the engine
 * reports byte counters ({@link #update}), the tracker computes the estimate of each direction and
 * offers reports to the registrations, which deliver them on the session's serial progress
 * executor (never on the caller's thread). Registrations of
 * {@link ProgressMode#FOR_CURRENTLY_OUTSTANDING_WORK} are removed once their final report is
 * offered. Thread-safe: one lock, never held while a listener runs.
 */
public final class ProgressTracker {

	private final Executor executor;

	private final Object lock = new Object();

	private final Map<ProgressDirection, DirectionProgress> directions = new EnumMap<>(ProgressDirection.class); // guarded by lock

	private final List<ProgressRegistration> registrations = new ArrayList<>(); // guarded by lock

	private boolean closed; // guarded by lock

	/**
	 * @param executor runs the listeners, one call at a time, in order
	 */
	public ProgressTracker(Executor executor) {
		this.executor = executor;
		for (ProgressDirection direction : ProgressDirection.values()) {
			this.directions.put(direction, new DirectionProgress());
		}
	}

	/**
	 * New byte counters of one direction; offers the changed progress to the listeners. Any thread.
	 */
	public void update(ProgressDirection direction, long transferred, long transferable) {
		synchronized (this.lock) {
			DirectionProgress progress = this.directions.get(direction);
			if (this.closed || !progress.update(transferred, transferable)) {
				return;
			}
			for (ProgressRegistration registration : List.copyOf(this.registrations)) {
				if (registration.direction == direction) {
					notify(registration, progress);
				}
			}
		}
	}

	/** The current progress of a direction, if known. */
	public Optional<SyncProgress> current(ProgressDirection direction) {
		synchronized (this.lock) {
			DirectionProgress progress = this.directions.get(direction);
			return progress.known() ? Optional.of(progress.current()) : Optional.empty();
		}
	}

	/**
	 * Registers a listener; it is called at once (on the executor) if the progress is known.
	 * @return empty if the tracker is closed, or the outstanding work is already done (then the
	 * listener gets that one report)
	 */
	public Optional<ProgressNotificationToken> register(ProgressDirection direction, ProgressMode mode,
			ProgressListener listener) {
		synchronized (this.lock) {
			if (this.closed) {
				return Optional.empty();
			}
			ProgressRegistration registration = new ProgressRegistration(this, direction, mode, listener,
					this.executor);
			this.registrations.add(registration);
			DirectionProgress progress = this.directions.get(direction);
			if (progress.known() && !notify(registration, progress)) {
				return Optional.empty();
			}
			return Optional.of(registration);
		}
	}

	/** Stops every notification; later updates and registrations do nothing. */
	public void close() {
		synchronized (this.lock) {
			this.closed = true;
			this.registrations.forEach(ProgressRegistration::cancel);
			this.registrations.clear();
		}
	}

	void remove(ProgressRegistration registration) {
		synchronized (this.lock) {
			this.registrations.remove(registration);
		}
	}

	/**
	 * Offers the report of {@code progress} to a registration, removing it after its final report.
	 * @return whether it stays registered
	 */
	private boolean notify(ProgressRegistration registration, DirectionProgress progress) { // guarded by lock
		if (registration.mode == ProgressMode.FOR_CURRENTLY_OUTSTANDING_WORK && !registration.captured) {
			registration.capture(progress);
		}
		SyncProgress report = registration.reportFor(progress);
		registration.offer(report);
		if (registration.mode == ProgressMode.FOR_CURRENTLY_OUTSTANDING_WORK && report.isTransferComplete()) {
			this.registrations.remove(registration);
			return false;
		}
		return true;
	}

}
