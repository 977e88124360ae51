package io.syncboot.autoconfigure.event;

import java.time.Duration;

import io.syncboot.client.SyncSession;

/**
 * Published when the server has acknowledged a batch of local changes: {@link #latency()} is the
 * time from the first of those changes being committed locally to the acknowledgement (the
 * end-to-end upload latency). At most one batch per session is measured at a time; changes
 * committed while one is measured join the next.
 */
public class SyncUploadCompletedEvent extends SyncEvent {

	private final Duration latency;

	public SyncUploadCompletedEvent(SyncSession session, String sessionName, Duration latency) {
		super(session, sessionName);
		this.latency = latency;
	}

	/** Time from the local commit to the server's acknowledgement. */
	public Duration latency() {
		return this.latency;
	}

	@Override
	public String toString() {
		return "SyncUploadCompletedEvent{" + sessionName() + ": " + this.latency.toMillis() + " ms}";
	}

}
