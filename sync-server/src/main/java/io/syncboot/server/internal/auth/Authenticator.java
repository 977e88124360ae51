package io.syncboot.server.internal.auth;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;

import com.nimbusds.jwt.JWTParser;
import io.syncboot.core.protocol.ErrorCode;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * Checks the bearer token of a WebSocket handshake with a Spring Security {@link JwtDecoder} (which
 * verifies the signature and the standard claims) and turns it into a {@link SyncPrincipal}. The
 * token comes from {@code Authorization: Bearer <jwt>} or, for browsers that cannot set headers,
 * the {@code access_token} query parameter. Tokens longer than {@value #MAX_TOKEN_CHARS} characters
 * are refused unread. A token whose {@code exp} has passed on this server's clock is refused as
 * expired even within the decoder's clock skew, because a connection is closed when its token
 * expires. Thread-safe.
 */
public final class Authenticator {

	/** The longest token accepted, in characters. */
	public static final int MAX_TOKEN_CHARS = 8 * 1024;

	/** The query parameter that may carry the token. */
	public static final String QUERY_PARAMETER = "access_token";

	private static final String KEYS_UNAVAILABLE = "the server cannot verify tokens right now: try again later";

	private static final Logger logger = LoggerFactory.getLogger(Authenticator.class);

	private static final String BEARER = "bearer ";

	/** The longest user name (a token's {@code sub}) the store records as a client file's owner. */
	static final int MAX_SUBJECT_LENGTH = 512;

	private final @Nullable JwtDecoder decoder;

	private final boolean allowAnonymous;

	private final Clock clock;

	/** The outcome of an authentication. */
	public sealed interface Outcome permits Accepted, Refused {
	}

	/** The token is valid (or the connection is anonymous and that is allowed). */
	public record Accepted(SyncPrincipal principal) implements Outcome {
	}

	/**
	 * The connection is refused.
	 * @param code {@link ErrorCode#TOKEN_EXPIRED} when a fresh token would do,
	 * {@link ErrorCode#INTERNAL_ERROR} when the server cannot verify tokens for now (its key set is
	 * unavailable: a transient refusal, HTTP 503), else {@link ErrorCode#INVALID_TOKEN}
	 * @param message why, safe to show the client
	 * @param tokenPresent whether a token was presented at all
	 */
	public record Refused(ErrorCode code, String message, boolean tokenPresent) implements Outcome {
	}

	/**
	 * @param decoder verifies tokens; {@code null} when the server only accepts anonymous connections
	 * @param allowAnonymous whether a connection without a token is accepted as anonymous
	 * @param clock the clock expiry is checked against
	 */
	public Authenticator(@Nullable JwtDecoder decoder, boolean allowAnonymous, Clock clock) {
		if (decoder == null && !allowAnonymous) {
			throw new IllegalArgumentException("a decoder is required unless anonymous connections are allowed");
		}
		this.decoder = decoder;
		this.allowAnonymous = allowAnonymous;
		this.clock = clock;
	}

	/** The clock expiry is checked against. */
	public Clock clock() {
		return this.clock;
	}

	/** Authenticates a handshake from its headers and URI. */
	public Outcome authenticate(HttpHeaders headers, @Nullable URI uri) {
		List<String> authorization = headers.getOrEmpty(HttpHeaders.AUTHORIZATION);
		if (authorization.size() > 1) {
			return new Refused(ErrorCode.INVALID_TOKEN, "more than one Authorization header", true);
		}
		if (authorization.size() == 1) {
			String value = authorization.get(0).trim();
			if (value.length() < BEARER.length() || !value.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
				return new Refused(ErrorCode.INVALID_TOKEN, "the Authorization header must use the Bearer scheme", true);
			}
			return authenticate(value.substring(BEARER.length()).trim());
		}
		return authenticate(queryToken(uri));
	}

	private static @Nullable String queryToken(@Nullable URI uri) {
		String query = (uri != null) ? uri.getRawQuery() : null;
		if (query == null) {
			return null;
		}
		for (String pair : query.split("&")) {
			if (pair.startsWith(QUERY_PARAMETER + "=")) {
				String raw = pair.substring(QUERY_PARAMETER.length() + 1);
				if (raw.length() > 3 * MAX_TOKEN_CHARS) {
					return raw;
				}
				try {
					return URLDecoder.decode(raw, StandardCharsets.UTF_8);
				}
				catch (IllegalArgumentException ex) {
					return raw;
				}
			}
		}
		return null;
	}

	/** Authenticates a token ({@code null} or empty: none presented). */
	public Outcome authenticate(@Nullable String token) {
		if (token == null || token.isEmpty()) {
			if (this.allowAnonymous) {
				return new Accepted(SyncPrincipal.anonymous());
			}
			return new Refused(ErrorCode.INVALID_TOKEN, "no bearer token: send 'Authorization: Bearer <jwt>'", false);
		}
		if (token.length() > MAX_TOKEN_CHARS) {
			return new Refused(ErrorCode.INVALID_TOKEN, "the token is longer than " + MAX_TOKEN_CHARS + " characters", true);
		}
		JwtDecoder current = this.decoder;
		if (current == null) {
			// an anonymous-only server cannot verify tokens: the connection is anonymous
			return new Accepted(SyncPrincipal.anonymous());
		}
		Jwt jwt;
		try {
			jwt = current.decode(token);
		}
		catch (JwtValidationException ex) {
			// the signature was verified; a claim is not valid
			if (isExpired(token)) {
				return new Refused(ErrorCode.TOKEN_EXPIRED, "the token expired", true);
			}
			return new Refused(ErrorCode.INVALID_TOKEN, "the token is not valid: " + ex.getMessage(), true);
		}
		catch (JwtException ex) {
			if (JwtSupport.isKeySourceFailure(ex)) {
				// the keys cannot be had (the identity provider is down or slow): nothing is known of
				// the token, so the client must try again later, not log its user out
				logger.warn("Cannot verify a token: the key set is unavailable ({})", ex.getMessage());
				return new Refused(ErrorCode.INTERNAL_ERROR, KEYS_UNAVAILABLE, true);
			}
			logger.debug("Refused a token: {}", ex.toString());
			return new Refused(ErrorCode.INVALID_TOKEN, "the token is not valid: " + JwtSupport.reason(ex), true);
		}
		catch (RuntimeException ex) {
			logger.warn("The token decoder failed", ex);
			return new Refused(ErrorCode.INVALID_TOKEN, "the token could not be verified", true);
		}
		Instant expiresAt = jwt.getExpiresAt();
		if (expiresAt != null && !expiresAt.isAfter(this.clock.instant())) {
			return new Refused(ErrorCode.TOKEN_EXPIRED, "the token expired at " + expiresAt, true);
		}
		String subject = jwt.getSubject();
		if (subject == null || subject.isBlank()) {
			return new Refused(ErrorCode.INVALID_TOKEN, "the token has no subject ('sub' claim)", true);
		}
		if (subject.length() > MAX_SUBJECT_LENGTH) {
			// the store records it as the owner of the client files it allocates
			return new Refused(ErrorCode.INVALID_TOKEN, "the token's subject is longer than " + MAX_SUBJECT_LENGTH
					+ " characters", true);
		}
		return new Accepted(new SyncPrincipal(subject, jwt.getClaims(), expiresAt));
	}

	/** Whether the (already verified) token's {@code exp} has passed. */
	private boolean isExpired(String token) {
		try {
			Date expiration = JWTParser.parse(token).getJWTClaimsSet().getExpirationTime();
			return expiration != null && !expiration.toInstant().isAfter(this.clock.instant());
		}
		catch (ParseException | RuntimeException ex) {
			return false;
		}
	}

}
