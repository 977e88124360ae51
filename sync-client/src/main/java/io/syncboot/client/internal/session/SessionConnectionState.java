package io.syncboot.client.internal.session;

import io.syncboot.client.ConnectionState;
import io.syncboot.client.ConnectionStateListener;
import io.syncboot.client.ListenerToken;
import org.jspecify.annotations.Nullable;

/**
 * The connection state of one session as the application sees it, with its listeners: a change
 * is reported only when the state really changes, with the error only on a change to
 * {@link ConnectionState#DISCONNECTED} caused by one, and a session that does not want to sync is
 * never reported as connecting or connected. Listeners run on the notification thread, in order.
 * Thread-safe: its own lock, taken after the session's when both are held.
 */
final class SessionConnectionState {

	private final ListenerList<ConnectionStateListener> listeners;

	private ConnectionState state = ConnectionState.DISCONNECTED; // guarded by this

	SessionConnectionState(EngineContext engine) {
		this.listeners = new ListenerList<>(engine.notifier());
	}

	synchronized ConnectionState state() {
		return this.state;
	}

	ListenerToken addListener(ConnectionStateListener listener) {
		return this.listeners.add(listener);
	}

	/**
	 * Moves to {@code newState} if it is a change and allowed.
	 * @param running whether the session wants to sync (else only DISCONNECTED is taken)
	 * @param error why the connection was lost, for DISCONNECTED
	 */
	synchronized void set(ConnectionState newState, @Nullable Throwable error, boolean running) {
		ConnectionState old = this.state;
		if (old == newState || (newState != ConnectionState.DISCONNECTED && !running)) {
			return;
		}
		this.state = newState;
		Throwable reported = (newState == ConnectionState.DISCONNECTED) ? error : null;
		this.listeners.notifyAll(listener -> listener.onConnectionStateChanged(old, newState, reported));
	}

}
