package io.syncboot.autoconfigure.event;

import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;

/**
 * Published when a session's state changes (for example {@code ACTIVE -> INACTIVE} after
 * {@link SyncSession#suspend()}).
 */
public class SyncSessionStateChangedEvent extends SyncEvent {

	private final SyncSessionState oldState;

	private final SyncSessionState newState;

	public SyncSessionStateChangedEvent(SyncSession session, String sessionName, SyncSessionState oldState,
			SyncSessionState newState) {
		super(session, sessionName);
		this.oldState = oldState;
		this.newState = newState;
	}

	/** The state before the change. */
	public SyncSessionState oldState() {
		return this.oldState;
	}

	/** The state after the change. */
	public SyncSessionState newState() {
		return this.newState;
	}

	@Override
	public String toString() {
		return "SyncSessionStateChangedEvent{" + sessionName() + ": " + this.oldState + " -> " + this.newState + "}";
	}

}
