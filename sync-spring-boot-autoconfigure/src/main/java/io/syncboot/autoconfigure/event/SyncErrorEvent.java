package io.syncboot.autoconfigure.event;

import io.syncboot.client.SyncError;
import io.syncboot.client.SyncSession;

/**
 * Published for every error a session reports, before the {@link io.syncboot.client.SyncErrorHandler}
 * bean handles it. The error's {@link SyncError#actionToken() action token}, if any, can be passed
 * to the manager to run the required action at once.
 */
public class SyncErrorEvent extends SyncEvent {

	private final SyncError error;

	public SyncErrorEvent(SyncSession session, String sessionName, SyncError error) {
		super(session, sessionName);
		this.error = error;
	}

	/** The reported error. */
	public SyncError error() {
		return this.error;
	}

	@Override
	public String toString() {
		return "SyncErrorEvent{" + sessionName() + ": " + this.error + "}";
	}

}
