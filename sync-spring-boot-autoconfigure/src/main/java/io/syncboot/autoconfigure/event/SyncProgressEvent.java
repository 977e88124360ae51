package io.syncboot.autoconfigure.event;

import io.syncboot.client.ProgressDirection;
import io.syncboot.client.SyncProgress;
import io.syncboot.client.SyncSession;

/**
 * Published as a session uploads or downloads, at most once per {@code sync.events.progress-interval}
 * for each session and direction; the progress that completes a transfer is always published.
 * Switched off with {@code sync.events.progress=false}. Published on the session's progress thread
 * ({@code syncboot-progress-N}), not the notification thread of the other events.
 */
public class SyncProgressEvent extends SyncEvent {

	private final ProgressDirection direction;

	private final SyncProgress progress;

	public SyncProgressEvent(SyncSession session, String sessionName, ProgressDirection direction,
			SyncProgress progress) {
		super(session, sessionName);
		this.direction = direction;
		this.progress = progress;
	}

	/** Upload or download. */
	public ProgressDirection direction() {
		return this.direction;
	}

	/** The progress. */
	public SyncProgress progress() {
		return this.progress;
	}

	@Override
	public String toString() {
		return "SyncProgressEvent{" + sessionName() + " " + this.direction + ": " + this.progress + "}";
	}

}
