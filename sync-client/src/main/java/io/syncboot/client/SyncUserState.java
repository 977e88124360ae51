package io.syncboot.client;

/**
 * The login state of a {@link SyncUser}.
 */
public enum SyncUserState {

	/** Logged in; its sessions may sync. */
	LOGGED_IN,
	/** Logged out; its sessions are {@link SyncSessionState#INVALID}, its local files stay. */
	LOGGED_OUT,
	/**
	 * Removed with {@link SyncUser#remove()}: its sessions are {@link SyncSessionState#INVALID}, its
	 * databases closed and its local files deleted; it cannot open databases. Terminal.
	 */
	REMOVED

}
