package io.syncboot.client;

/**
 * What a {@link SyncSession} does when its {@link SyncDatabase} is closed.
 */
public enum StopPolicy {

	/** Stop syncing at once; unacknowledged changes stay in the outbox for the next open. */
	IMMEDIATELY,
	/** Keep the session {@link SyncSessionState#DYING} until the server acknowledged every local change (the default). */
	AFTER_CHANGES_UPLOADED,
	/** Keep syncing until the manager closes or the user logs out. */
	LIVE_INDEFINITELY

}
