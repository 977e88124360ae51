package io.syncboot.client;

/**
 * What a {@link SyncError} asks of the client; the same names as the protocol's actions.
 */
public enum ErrorAction {

	/** Nothing to do. */
	NONE,
	/** Reported to the application; the session goes on. */
	WARNING,
	/** Reconnect with backoff; never reported. */
	TRANSIENT,
	/** The local file must be reset per the configuration's {@link ClientResetMode}. */
	CLIENT_RESET,
	/** The local file must be deleted (for example, read permission was revoked). */
	DELETE_DATABASE,
	/** The access token must be refreshed. */
	REFRESH_TOKEN,
	/** The user must be logged out. */
	LOG_OUT,
	/** A peer broke the protocol; the session ended. */
	PROTOCOL_VIOLATION

}
