package io.syncboot.autoconfigure.event;

import java.util.Optional;

import io.syncboot.client.ConnectionState;
import io.syncboot.client.SyncSession;
import org.jspecify.annotations.Nullable;

/**
 * Published when a session's connection state changes.
 */
public class SyncConnectionStateChangedEvent extends SyncEvent {

	private final ConnectionState oldState;

	private final ConnectionState newState;

	private final @Nullable Throwable error;

	public SyncConnectionStateChangedEvent(SyncSession session, String sessionName, ConnectionState oldState,
			ConnectionState newState, @Nullable Throwable error) {
		super(session, sessionName);
		this.oldState = oldState;
		this.newState = newState;
		this.error = error;
	}

	/** The connection state before the change. */
	public ConnectionState oldState() {
		return this.oldState;
	}

	/** The connection state after the change. */
	public ConnectionState newState() {
		return this.newState;
	}

	/** Why the connection was lost; present only when the new state is DISCONNECTED because of an error. */
	public Optional<Throwable> error() {
		return Optional.ofNullable(this.error);
	}

	@Override
	public String toString() {
		return "SyncConnectionStateChangedEvent{" + sessionName() + ": " + this.oldState + " -> " + this.newState
				+ ((this.error != null) ? " (" + this.error.getMessage() + ")" : "") + "}";
	}

}
