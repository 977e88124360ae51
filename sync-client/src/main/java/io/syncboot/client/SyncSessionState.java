package io.syncboot.client;

/**
 * What a {@link SyncSession} wants (its connection is reported apart, see {@link ConnectionState}).
 */
public enum SyncSessionState {

	/** It wants to be connected and syncing; it may still be disconnected. */
	ACTIVE,
	/** Its database was closed with {@link StopPolicy#AFTER_CHANGES_UPLOADED}; it stays until every local change is acknowledged. */
	DYING,
	/** Suspended, or its database is closed; {@link SyncSession#resume()} or reopening makes it active. */
	INACTIVE,
	/** It would be active but waits for a fresh access token. */
	WAITING_FOR_ACCESS_TOKEN,
	/** Terminal: a fatal error, the user logged out, or the manager closed. */
	INVALID

}
