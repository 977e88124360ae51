package io.syncboot.client.internal.session;

import java.util.Optional;

/**
 * The access tokens of a session's user, as the session needs them. Thread-safe.
 */
public interface TokenSource {

	/**
	 * The token to present on a connection attempt (a handshake thread): the current one while it
	 * is valid, or a new one from the token provider; empty for anonymous users.
	 * @throws IllegalStateException if no usable token can be obtained (the attempt fails and is retried)
	 */
	Optional<String> forConnection();

	/**
	 * The server refused the current token for a connection (a handshake answered 401, or close
	 * 4001): it is not presented again while the credentials can renew it, so the next attempt,
	 * should it come before the refresh ends, presents a renewed token rather than meeting the same
	 * refusal (a second one logs the user out).
	 */
	void tokenRefused();

	/** Whether the current token expires within the refresh margin (5 s), so a refresh must come first. */
	boolean refreshRequired();

	/**
	 * Starts a refresh unless one runs; its outcome reaches the session as
	 * {@link DefaultSyncSession#tokenRefreshed()} or {@link DefaultSyncSession#userLoggedOut}.
	 */
	void requestRefresh();

	/**
	 * The server refused the token as invalid (error 231 or close 1008): the user is logged out and
	 * {@code reason} is reported to each of its sessions with action {@code LOG_OUT}.
	 */
	void tokenInvalid(String reason);

}
