package io.syncboot.client.internal.connection;

import org.jspecify.annotations.Nullable;

/**
 * The server refused a WebSocket handshake with HTTP 401; {@link #code()} is its
 * {@code SyncBoot-Error-Code} (230: the token expired, 231: invalid) when known, else 0. The
 * client container does not expose the response's headers, so it is 0 today: the connection then
 * treats the first 401 as an expired token (refresh, retry) and a second one in a row as invalid.
 */
public final class AuthRejectedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final int code;

	AuthRejectedException(int code, String message) {
		super(message);
		this.code = code;
	}

	/** The {@code SyncBoot-Error-Code}, or 0 if unknown. */
	public int code() {
		return this.code;
	}

	/** The rejection in a failure's causes, if any. */
	static @Nullable AuthRejectedException find(@Nullable Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof AuthRejectedException rejected) {
				return rejected;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	/** Whether a handshake failure is an HTTP 401 (Tomcat names the status in its message). */
	static boolean isUnauthorized(@Nullable Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			String message = cause.getMessage();
			if (message != null && message.contains("[401]")) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

}
