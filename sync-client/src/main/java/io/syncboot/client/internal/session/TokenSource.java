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
