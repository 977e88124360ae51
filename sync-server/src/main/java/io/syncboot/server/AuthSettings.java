package io.syncboot.server;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.syncboot.server.internal.auth.JwtSupport;
import io.syncboot.server.internal.auth.ServerSecurity;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * The authentication and permission settings of {@link SyncServer.Builder} and
 * {@link SyncServerEngine.Builder}, which delegate to it (the rules are described on
 * {@link SyncServerEngine}). Each setter validates its argument and throws
 * {@link IllegalArgumentException} naming the value and the rule. Not thread-safe.
 */
final class AuthSettings {

	/** The default lifetime of tokens issued for API keys. */
	static final Duration DEFAULT_TOKEN_TTL = Duration.ofMinutes(15);

	byte @Nullable [] hmacSecret;

	@Nullable JwtDecoder jwtDecoder;

	@Nullable RSAPublicKey rsaPublicKey;

	@Nullable URI jwkSetUri;

	@Nullable String issuer;

	@Nullable String audience;

	final Map<String, String> apiKeys = new LinkedHashMap<>();

	Duration tokenTtl = DEFAULT_TOKEN_TTL;

	@Nullable SyncPermissions permissions;

	boolean allowAnonymous;

	AuthSettings() {
	}

	/**
	 * The HMAC secret (HS256) that verifies tokens and signs the tokens issued for API keys.
	 * @throws IllegalArgumentException if it has fewer than 32 bytes
	 */
	void hmacSecret(byte[] secret) {
		if (secret == null) {
			throw new IllegalArgumentException("hmacSecret must not be null");
		}
		JwtSupport.hmacKey(secret);
		this.hmacSecret = secret.clone();
	}

	/**
	 * The HMAC secret as text, used as its UTF-8 bytes (see {@link #hmacSecret(byte[])}).
	 * @throws IllegalArgumentException if it has fewer than 32 bytes
	 */
	void hmacSecret(String secret) {
		if (secret == null) {
			throw new IllegalArgumentException("hmacSecret must not be null");
		}
		hmacSecret(secret.getBytes(StandardCharsets.UTF_8));
	}

	/** A decoder of the application's choice that verifies tokens (its own validators apply). */
	void jwtDecoder(JwtDecoder decoder) {
		if (decoder == null) {
			throw new IllegalArgumentException("jwtDecoder must not be null");
		}
		this.jwtDecoder = decoder;
	}

	/** The RSA public key that verifies RS256 tokens. */
	void rsaPublicKey(RSAPublicKey key) {
		if (key == null) {
			throw new IllegalArgumentException("rsaPublicKey must not be null");
		}
		this.rsaPublicKey = key;
	}

	/** The JWK set (an identity provider's keys) that verifies tokens; set {@link #issuer} too. */
	void jwkSetUri(URI uri) {
		if (uri == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
			throw new IllegalArgumentException("jwkSetUri must be an http(s) URI, was " + uri);
		}
		this.jwkSetUri = uri;
	}

	/**
	 * The issuer: every token must carry it as {@code iss}, whichever decoder verifies it, and tokens
	 * issued for API keys carry it.
	 */
	void issuer(String issuer) {
		if (issuer == null || issuer.isBlank()) {
			throw new IllegalArgumentException("issuer must not be blank, was " + ((issuer == null) ? "null" : "'" + issuer + "'"));
		}
		this.issuer = issuer;
	}

	/**
	 * The audience: every token must name it in {@code aud}, whichever decoder verifies it, and tokens
	 * issued for API keys carry it.
	 */
	void audience(String audience) {
		if (audience == null || audience.isBlank()) {
			throw new IllegalArgumentException("audience must not be blank, was "
					+ ((audience == null) ? "null" : "'" + audience + "'"));
		}
		this.audience = audience;
	}

	/**
	 * An API key that {@code POST <path>/auth/token} exchanges for a token whose subject is
	 * {@code userId}; requires {@link #hmacSecret}.
	 * @throws IllegalArgumentException if either is blank or the key was added before
	 */
	void apiKey(String key, String userId) {
		if (key == null || key.isBlank() || key.length() > 1024) {
			throw new IllegalArgumentException("an API key must have 1 to 1024 characters, not blank");
		}
		if (userId == null || userId.isBlank()) {
			throw new IllegalArgumentException("the user id of an API key must not be blank");
		}
		if (this.apiKeys.putIfAbsent(key, userId) != null) {
			throw new IllegalArgumentException("API key for '" + userId + "' is configured twice");
		}
	}

	/**
	 * How long a token issued for an API key is valid: 10 s to 24 h, default 15 min.
	 */
	void tokenTtl(Duration ttl) {
		if (ttl == null || ttl.compareTo(Duration.ofSeconds(10)) < 0 || ttl.compareTo(Duration.ofHours(24)) > 0) {
			throw new IllegalArgumentException("tokenTtl must be between 10 s and 24 h, was " + ttl);
		}
		this.tokenTtl = ttl;
	}

	/** Who may read and write which partition (default: everyone everything, with a warning). */
	void permissions(SyncPermissions permissions) {
		if (permissions == null) {
			throw new IllegalArgumentException("permissions must not be null");
		}
		this.permissions = permissions;
	}

	/**
	 * Accepts connections without a token as anonymous (development and tests only; a warning is
	 * logged at start). A token that is presented is still verified when a decoder is configured.
	 * Without {@link #permissions}, anonymous connections may read and write every partition.
	 */
	void allowAnonymous() {
		this.allowAnonymous = true;
	}

	boolean hasVerifier() {
		return this.hmacSecret != null || this.jwtDecoder != null || this.rsaPublicKey != null || this.jwkSetUri != null;
	}

	/** Checks the combination; throws {@link IllegalStateException} naming the problem. */
	void validateAuthentication() {
		int verifiers = ((this.jwtDecoder != null) ? 1 : 0) + ((this.rsaPublicKey != null) ? 1 : 0)
				+ ((this.jwkSetUri != null) ? 1 : 0);
		if (verifiers > 1) {
			throw new IllegalStateException("configure one of jwtDecoder, rsaPublicKey and jwkSetUri, not several");
		}
		if (this.hmacSecret != null && (this.rsaPublicKey != null || this.jwkSetUri != null)) {
			throw new IllegalStateException("hmacSecret cannot be combined with rsaPublicKey or jwkSetUri: "
					+ "tokens issued for API keys would not verify");
		}
		if (this.jwkSetUri != null && this.issuer == null) {
			throw new IllegalStateException("jwkSetUri needs an issuer: an identity provider's key set often signs "
					+ "the tokens of its other tenants and applications too, and those would be accepted");
		}
		if (!this.apiKeys.isEmpty() && this.hmacSecret == null) {
			throw new IllegalStateException("apiKey needs hmacSecret: the tokens issued for API keys are signed with it");
		}
		if (!hasVerifier() && !this.allowAnonymous) {
			throw new IllegalStateException("authentication is not configured: call hmacSecret(...), jwtDecoder(...), "
					+ "rsaPublicKey(...) or jwkSetUri(...), or allowAnonymous() to run without authentication "
					+ "(development only)");
		}
	}

	ServerSecurity.Settings securitySettings() {
		return new ServerSecurity.Settings(this.hmacSecret, this.jwtDecoder, this.rsaPublicKey, this.jwkSetUri,
				this.issuer, this.audience, Map.copyOf(this.apiKeys), this.tokenTtl, this.allowAnonymous);
	}

	/** Copies these settings to another builder. */
	void copyTo(AuthSettings other) {
		other.hmacSecret = this.hmacSecret;
		other.jwtDecoder = this.jwtDecoder;
		other.rsaPublicKey = this.rsaPublicKey;
		other.jwkSetUri = this.jwkSetUri;
		other.issuer = this.issuer;
		other.audience = this.audience;
		other.apiKeys.clear();
		other.apiKeys.putAll(this.apiKeys);
		other.tokenTtl = this.tokenTtl;
		other.permissions = this.permissions;
		other.allowAnonymous = this.allowAnonymous;
	}

}
