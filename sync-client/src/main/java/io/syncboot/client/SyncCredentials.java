package io.syncboot.client;

import java.util.Optional;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * How a user proves its identity to the server: nothing ({@link #anonymous()}, for servers that
 * allow it), a fixed JWT ({@link #token(String)}), a supplier of fresh JWTs
 * ({@link #tokenProvider(Supplier)}) or an API key the server exchanges for JWTs
 * ({@link #apiKey(String)}). A token is sent as {@code Authorization: Bearer <jwt>} on
 * every WebSocket handshake. Immutable and thread-safe.
 */
public final class SyncCredentials {

	private final @Nullable String token;

	private final @Nullable Supplier<String> provider;

	private final @Nullable String apiKey;

	private SyncCredentials(@Nullable String token, @Nullable Supplier<String> provider) {
		this(token, provider, null);
	}

	private SyncCredentials(@Nullable String token, @Nullable Supplier<String> provider, @Nullable String apiKey) {
		this.token = token;
		this.provider = provider;
		this.apiKey = apiKey;
	}

	/**
	 * An API key, exchanged for a short-lived JWT at the server's token endpoint
	 * ({@code POST <sync path>/auth/token}, on the http(s) form of the settings' server URL) when
	 * the user logs in, and again before each token expires (on the manager's auth thread, or on a
	 * handshake thread if a connection needs a token first). The user id is the {@code sub} claim
	 * of the token the server issues. A key the server refuses (HTTP 401) at login makes
	 * {@link SyncManager#logIn(SyncCredentials)} throw {@link IllegalArgumentException}; refused
	 * later, it logs the user out ({@link ErrorAction#LOG_OUT}), as does a key that now gives a
	 * token of another user. If the server cannot be reached at login, a key that logged in before
	 * under the same base directory logs in as that user (remembered by the SHA-256 of the key,
	 * never the key) and is exchanged once a connection is made, retried with the reconnect
	 * backoff; a key never used there makes the login throw {@link java.io.UncheckedIOException}.
	 * @throws IllegalArgumentException if {@code key} is null or blank
	 */
	public static SyncCredentials apiKey(String key) {
		Arguments.notNull(key, "key");
		if (key.isBlank()) {
			throw new IllegalArgumentException("key must not be blank");
		}
		return new SyncCredentials(null, null, key);
	}

	/** The API key of {@link #apiKey(String)} credentials, empty for other credentials. */
	public Optional<String> apiKey() {
		return Optional.ofNullable(this.apiKey);
	}

	/** No credentials; the user id is {@code "anonymous"}. */
	public static SyncCredentials anonymous() {
		return new SyncCredentials(null, null);
	}

	/**
	 * A fixed JWT; the user id is its {@code sub} claim.
	 * @throws IllegalArgumentException if {@code jwt} is null, blank, or not three dot-separated parts
	 */
	public static SyncCredentials token(String jwt) {
		return new SyncCredentials(checkJwt(jwt, "jwt"), null);
	}

	/**
	 * A supplier of JWTs, asked at login and whenever a new token is needed; the user id is the
	 * {@code sub} claim of the token it returns at login. A token with an {@code exp} claim is used
	 * until it is within 5 s of expiry; then the user's sessions wait
	 * ({@link SyncSessionState#WAITING_FOR_ACCESS_TOKEN}) while the provider is asked again on the
	 * manager's auth thread ({@code syncboot-auth-*}), and if it throws, returns null or returns a
	 * token that is about to expire too, the user is logged out and its sessions become
	 * {@link SyncSessionState#INVALID}. A token without {@code exp} is asked for anew before every
	 * connection attempt, on a handshake thread ({@code syncboot-connect-*}); an exception then
	 * fails that attempt, which is retried after the reconnect backoff.
	 * @throws IllegalArgumentException if {@code provider} is null
	 */
	public static SyncCredentials tokenProvider(Supplier<String> provider) {
		return new SyncCredentials(null, Arguments.notNull(provider, "provider"));
	}

	/** Whether these are anonymous credentials. */
	public boolean isAnonymous() {
		return this.token == null && this.provider == null && this.apiKey == null;
	}

	/** Whether these credentials can renew their token (they have a token provider). */
	public boolean hasTokenProvider() {
		return this.provider != null;
	}

	/**
	 * The token to present now: the fixed token, or a fresh one from the provider; empty for
	 * anonymous credentials and for API-key credentials (their token comes from the server's token
	 * endpoint, through the {@link SyncManager}).
	 * @throws IllegalStateException if the provider returns null or a malformed token
	 */
	public Optional<String> accessToken() {
		if (this.provider != null) {
			String jwt = this.provider.get();
			try {
				return Optional.of(checkJwt(jwt, "the token provider's token"));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(ex.getMessage(), ex);
			}
		}
		return Optional.ofNullable(this.token);
	}

	private static String checkJwt(@Nullable String jwt, String name) {
		Arguments.notNull(jwt, name);
		if (jwt.isBlank() || jwt.split("\\.", -1).length != 3) {
			throw new IllegalArgumentException(name + " must be a JWT (three dot-separated parts)");
		}
		return jwt;
	}

	@Override
	public String toString() {
		if (this.apiKey != null) {
			return "SyncCredentials{apiKey}";
		}
		return isAnonymous() ? "SyncCredentials{anonymous}"
				: (this.provider != null) ? "SyncCredentials{tokenProvider}" : "SyncCredentials{token}";
	}

}
