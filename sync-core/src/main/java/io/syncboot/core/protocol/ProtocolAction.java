package io.syncboot.core.protocol;

/**
 * What an error asks the client to do. The client API exposes the same names as its
 * {@code ErrorAction}.
 */
public enum ProtocolAction {

	/** Nothing to do. */
	NONE,
	/** Report to the application; the session goes on. */
	WARNING,
	/** Reconnect with backoff; not reported. */
	TRANSIENT,
	/** Reset the local file per the client reset mode. */
	CLIENT_RESET,
	/** The local file must be deleted. */
	DELETE_DATABASE,
	/** Refresh the access token and reconnect. */
	REFRESH_TOKEN,
	/** Log the user out. */
	LOG_OUT,
	/** The peer broke the protocol; the session ends. */
	PROTOCOL_VIOLATION

}
