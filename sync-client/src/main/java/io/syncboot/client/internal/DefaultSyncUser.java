package io.syncboot.client.internal;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;

import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncUser;
import io.syncboot.client.SyncUserState;
import io.syncboot.client.internal.concurrent.Cancellable;
import io.syncboot.client.internal.concurrent.EventLoop;
import io.syncboot.client.internal.session.TokenSource;
import io.syncboot.core.codec.MessageCodec;
import org.jspecify.annotations.Nullable;

/**
 * A logged-in user of a {@link DefaultSyncManager} and its access token. A token with an
 * {@code exp} claim is reused until it is within {@link #REFRESH_MARGIN} of expiry; then a timer
 * (on the manager's auth thread, {@code syncboot-auth-N}) puts the user's sessions into
 * {@code WAITING_FOR_ACCESS_TOKEN} and asks the token provider for a new one. A refresh that fails
 * (no provider, the provider throws or returns nothing usable, or again a token about to expire)
 * logs the user out. A token without {@code exp} is fetched anew from the provider before every
 * connection attempt. Thread-safe.
 */
final class DefaultSyncUser implements SyncUser, TokenSource {

	/** A token that expires within this margin must be refreshed before use. */
	static final Duration REFRESH_MARGIN = Duration.ofSeconds(5);

	/** How long to wait before asking an unreachable token endpoint again. */
	static final Duration RETRY_DELAY = Duration.ofSeconds(2);

	private final String id;

	private final DefaultSyncManager manager;

	private final EventLoop auth;

	private final MessageCodec codec;

	private final LongSupplier wallMillis;

	private final TokenExchange exchange;

	private volatile SyncCredentials credentials;

	private volatile @Nullable String token;

	private volatile @Nullable String refused; // the token a server refused last: renewed before it is presented again

	private volatile SyncUserState state = SyncUserState.LOGGED_IN;

	private Cancellable expiryTimer = Cancellable.NONE; // guarded by this

	private boolean refreshing; // guarded by this

	DefaultSyncUser(String id, SyncCredentials credentials, @Nullable String token, DefaultSyncManager manager,
			EventLoop auth, MessageCodec codec, LongSupplier wallMillis, TokenExchange exchange) {
		this.exchange = exchange;
		this.id = id;
		this.credentials = credentials;
		this.manager = manager;
		this.auth = auth;
		this.codec = codec;
		this.wallMillis = wallMillis;
		tokenChanged(token);
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public SyncUserState state() {
		return this.state;
	}

	@Override
	public void logOut() {
		if (loggedOut()) {
			this.manager.loggedOut(this, null);
		}
	}

	@Override
	public void remove() {
		this.manager.removeUser(this);
	}

	/** Marks the user removed (also if logged out); {@code false} if it already was. */
	boolean removed() {
		synchronized (this) {
			if (this.state == SyncUserState.REMOVED) {
				return false;
			}
			this.state = SyncUserState.REMOVED;
			this.expiryTimer.cancel();
			this.expiryTimer = Cancellable.NONE;
			return true;
		}
	}

	/** Marks the user logged out; {@code false} if it already was. */
	boolean loggedOut() {
		synchronized (this) {
			if (this.state != SyncUserState.LOGGED_IN) {
				return false;
			}
			this.state = SyncUserState.LOGGED_OUT;
			this.expiryTimer.cancel();
			this.expiryTimer = Cancellable.NONE;
			return true;
		}
	}

	void loggedIn(SyncCredentials newCredentials, @Nullable String newToken) {
		this.credentials = newCredentials;
		synchronized (this) {
			this.state = SyncUserState.LOGGED_IN;
		}
		tokenChanged(newToken);
	}

	DefaultSyncManager manager() {
		return this.manager;
	}

	@Override
	public Optional<String> forConnection() {
		SyncCredentials current = this.credentials;
		String cached = this.token;
		if (current.isAnonymous()) {
			return Optional.empty();
		}
		boolean refusedBefore = cached != null && cached.equals(this.refused);
		if (cached != null && (!refreshable(current) || (!refusedBefore && hasExpiry(cached) && !expiresSoon(cached)))) {
			return Optional.of(cached);
		}
		String fresh;
		try {
			fresh = obtain(current);
		}
		catch (TokenExchange.Refused ex) {
			tokenInvalid(ex.getMessage());
			throw new IllegalStateException(ex.getMessage(), ex);
		}
		catch (UncheckedIOException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
		String subject = Jwts.subject(fresh, this.codec);
		if (!subject.equals(this.id)) {
			// a user logged in offline (API key remembered) whose key now belongs to someone else
			String reason = "the credentials of user '" + this.id + "' now give a token of another user (" + subject + ")";
			tokenInvalid(reason);
			throw new IllegalStateException(reason);
		}
		tokenChanged(fresh);
		return Optional.of(fresh);
	}

	@Override
	public void tokenRefused() {
		this.refused = this.token;
	}

	@Override
	public void tokenInvalid(String reason) {
		if (loggedOut()) {
			this.manager.loggedOut(this, reason);
		}
	}

	/** Why a user whose credentials cannot renew its token is logged out, as far as the client can tell. */
	private String notRenewable(@Nullable String cached) {
		if (cached == null) {
			return "the server requires an access token and the user logged in anonymously";
		}
		if (expiresSoon(cached)) {
			return "the token expires at " + Jwts.expiry(cached, this.codec).orElseThrow()
					+ " and the credentials have no token provider to renew it";
		}
		return "the server refused the token (expired by the server's clock, signed with a key it does not accept,"
				+ " or of another issuer or audience) and the credentials have no token provider to renew it";
	}

	private static boolean refreshable(SyncCredentials credentials) {
		return credentials.hasTokenProvider() || credentials.apiKey().isPresent();
	}

	/** A new token: from the token endpoint for an API key, else from the credentials (blocking). */
	private String obtain(SyncCredentials credentials) {
		Optional<String> apiKey = credentials.apiKey();
		if (apiKey.isPresent()) {
			return this.exchange.exchange(apiKey.get());
		}
		return credentials.accessToken().orElseThrow();
	}

	@Override
	public boolean refreshRequired() {
		String cached = this.token;
		return cached != null && expiresSoon(cached);
	}

	@Override
	public void requestRefresh() {
		synchronized (this) {
			if (this.refreshing || this.state != SyncUserState.LOGGED_IN) {
				return;
			}
			this.refreshing = true;
		}
		if (!this.auth.post(this::refresh)) {
			synchronized (this) {
				this.refreshing = false;
			}
		}
	}

	/** Asks the provider for a new token (auth thread). */
	private void refresh() {
		String fresh = null;
		String failure = null;
		SyncCredentials current = this.credentials;
		String cached = this.token;
		if (current.hasTokenProvider() && cached != null && !hasExpiry(cached)) {
			// a token without exp is asked for anew before every connection attempt anyway
			synchronized (this) {
				this.refreshing = false;
			}
			this.manager.tokenRefreshed(this);
			return;
		}
		try {
			if (!refreshable(current)) {
				failure = notRenewable(cached);
			}
			else {
				fresh = obtain(current);
				String subject = Jwts.subject(fresh, this.codec);
				if (!subject.equals(this.id)) {
					failure = "the token provider returned a token of another user (" + subject + ")";
				}
				else if (expiresSoon(fresh)) {
					failure = "the token provider returned a token that expires within " + REFRESH_MARGIN;
				}
			}
		}
		catch (UncheckedIOException ex) {
			// the token endpoint cannot be reached: the sessions keep waiting, try again shortly
			synchronized (this) {
				this.refreshing = false;
			}
			this.auth.schedule(RETRY_DELAY, this::requestRefresh);
			return;
		}
		catch (TokenExchange.Refused ex) {
			failure = ex.getMessage();
		}
		catch (RuntimeException ex) {
			failure = "the token provider failed: " + ex.getMessage();
		}
		synchronized (this) {
			this.refreshing = false;
		}
		if (failure != null || fresh == null) {
			if (loggedOut()) {
				this.manager.loggedOut(this, (failure != null) ? failure : "the token provider returned no token");
			}
			return;
		}
		tokenChanged(fresh);
		this.manager.tokenRefreshed(this);
	}

	private void tokenChanged(@Nullable String newToken) {
		synchronized (this) {
			this.token = newToken;
			this.expiryTimer.cancel();
			this.expiryTimer = Cancellable.NONE;
			if (newToken == null || this.state != SyncUserState.LOGGED_IN) {
				return;
			}
			Optional<Instant> expiry = Jwts.expiry(newToken, this.codec);
			if (expiry.isEmpty()) {
				return;
			}
			long delayMillis = expiry.get().toEpochMilli() - REFRESH_MARGIN.toMillis() - this.wallMillis.getAsLong();
			this.expiryTimer = this.auth.schedule(Duration.ofMillis(Math.max(0, delayMillis)), () -> expiring(newToken));
		}
	}

	/** The timer of {@code expiringToken} fired (auth thread). */
	private void expiring(String expiringToken) {
		if (this.state != SyncUserState.LOGGED_IN || !expiringToken.equals(this.token)) {
			return;
		}
		this.manager.tokenExpiring(this);
		requestRefresh();
	}

	private boolean hasExpiry(String jwt) {
		return Jwts.expiry(jwt, this.codec).isPresent();
	}

	private boolean expiresSoon(String jwt) {
		Optional<Instant> expiry = Jwts.expiry(jwt, this.codec);
		return expiry.isPresent()
				&& expiry.get().toEpochMilli() - REFRESH_MARGIN.toMillis() <= this.wallMillis.getAsLong();
	}

	@Override
	public String toString() {
		return "SyncUser{" + this.id + ", " + this.state + "}";
	}

}
