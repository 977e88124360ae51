package io.syncboot.client.internal.connection;

import org.jspecify.annotations.Nullable;

/**
 * Why a connection was lost: a close code from the server, a pong timeout, a connect timeout or a
 * network failure (the cause). Passed to connection state listeners as the error.
 */
public class ConnectionLostException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final int closeCode;

	public ConnectionLostException(String message, int closeCode, @Nullable Throwable cause) {
		super(message, cause);
		this.closeCode = closeCode;
	}

	/** The WebSocket close code, or 0 if the connection did not close with one. */
	public int closeCode() {
		return this.closeCode;
	}

}
