package io.syncboot.client;

import org.jspecify.annotations.Nullable;

/**
 * Called when a {@link SyncSession}'s {@link ConnectionState} changes (only on a real change).
 * Runs on the manager's notification thread, in the order of the changes; an exception it throws
 * is logged and ignored.
 */
@FunctionalInterface
public interface ConnectionStateListener {

	/**
	 * @param oldState the state before
	 * @param newState the state now
	 * @param error why the connection was lost; present iff {@code newState} is
	 * {@link ConnectionState#DISCONNECTED} because of an error
	 */
	void onConnectionStateChanged(ConnectionState oldState, ConnectionState newState, @Nullable Throwable error);

}
