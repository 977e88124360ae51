package io.syncboot.client.internal.connection;

import io.syncboot.core.protocol.SyncMessage;
import org.jspecify.annotations.Nullable;

/**
 * A sync session as a {@link Connection} sees it. Every method runs on the event loop.
 */
public interface ConnectionSession {

	/** The connection started opening. */
	void onConnecting();

	/** The connection is open: bind now. */
	void onConnected();

	/** A message for this session's id arrived. */
	void onMessage(SyncMessage message);

	/**
	 * The connection is gone; the session is unbound.
	 * @param error why, or {@code null} for a voluntary close
	 */
	void onDisconnected(@Nullable Throwable error);

	/** The server refused or closed the connection because its token expired (230, close 4001, HTTP 401): refresh it. */
	void onTokenExpired();

	/** The connection hit a fatal error (a protocol violation or a fatal connection-level error); the session is detached. */
	void onFatalError(SyncMessage.Error error);

}
