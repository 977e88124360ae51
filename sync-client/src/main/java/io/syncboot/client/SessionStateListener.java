package io.syncboot.client;

/**
 * Called when a {@link SyncSession}'s {@link SyncSessionState} changes (only on a real change).
 * Runs on the manager's notification thread, in the order of the changes; an exception it throws
 * is logged and ignored.
 */
@FunctionalInterface
public interface SessionStateListener {

	/**
	 * @param oldState the state before
	 * @param newState the state now
	 */
	void onStateChanged(SyncSessionState oldState, SyncSessionState newState);

}
