package io.syncboot.autoconfigure.client;

/**
 * Supplies the access token (a JWT) the auto-configured client presents to the sync server. When
 * a bean of this type exists it takes precedence over {@code sync.auth.*}.
 *
 * <p>Called when the user logs in at startup and before every connection attempt, on a SyncBoot
 * handshake thread (never on the event loop), so it may block briefly to fetch or refresh a token.
 * An exception thrown here fails that attempt; the client retries with backoff.
 */
@FunctionalInterface
public interface SyncAccessTokenProvider {

	/** The current access token; never null. */
	String accessToken();

}
