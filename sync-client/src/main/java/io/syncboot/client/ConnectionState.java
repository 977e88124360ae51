package io.syncboot.client;

/**
 * What the WebSocket of a {@link SyncSession} is doing. A session that is
 * {@link SyncSessionState#INACTIVE} or {@link SyncSessionState#INVALID} is always
 * {@link #DISCONNECTED}.
 */
public enum ConnectionState {

	/** No connection. */
	DISCONNECTED,
	/** A connection is being opened (TCP, TLS and WebSocket handshake). */
	CONNECTING,
	/** Connected and bound to the server. */
	CONNECTED

}
