package io.syncboot.client;

/**
 * What a {@link SyncSession} wants (its connection is reported apart, see {@link ConnectionState}).
 */
public enum SyncSessionState {

	/** It wants to be connected and syncing; it may still be disconnected. */
	ACTIVE,
	/** Its database was closed with {@link StopPolicy#AFTER_CHANGES_UPLOADED}; it stays until every local change is acknowledged. */
	DYING,
	/**
	 * Suspended, or its database is closed; {@link SyncSession#resume()} or reopening makes it
	 * active. Also after a client reset left to the application ({@link ClientResetMode#MANUAL}, or
	 * an automatic reset that fell back to it): the database stays open, and the session stays
	 * inactive (resume and reopening do not reconnect) until the reset's action token runs
	 * ({@link SyncManager#immediatelyHandleError}), which makes it active again on a fresh copy.
	 */
	INACTIVE,
	/** It would be active but waits for a fresh access token. */
	WAITING_FOR_ACCESS_TOKEN,
	/**
	 * Terminal: a fatal error that no action can repair (a protocol violation, permission denied),
	 * the user logged out or removed, or the manager closed. A client reset is repairable, so it
	 * leaves the session {@link #INACTIVE} instead.
	 */
	INVALID

}
