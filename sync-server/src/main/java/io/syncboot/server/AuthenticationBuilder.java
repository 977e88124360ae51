package io.syncboot.server;

import java.net.URI;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;

import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * The authentication settings shared by {@link SyncServer.Builder} and
 * {@link SyncServerEngine.Builder}: how tokens are verified, API keys, permissions, or anonymous
 * access for development. Not thread-safe, like any builder; each setter validates its argument
 * and throws {@link IllegalArgumentException} naming the value and the rule.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class AuthenticationBuilder<B extends AuthenticationBuilder<B>> {

	final AuthSettings auth = new AuthSettings();

	AuthenticationBuilder() {
	}

	@SuppressWarnings("unchecked")
	private B self() {
		return (B) this;
	}

	/**
	 * The HMAC secret (HS256) that verifies tokens and signs the tokens issued for API keys.
	 * @throws IllegalArgumentException if it has fewer than 32 bytes
	 */
	public B hmacSecret(byte[] secret) {
		this.auth.hmacSecret(secret);
		return self();
	}

	/**
	 * The HMAC secret as text, used as its UTF-8 bytes.
	 * @throws IllegalArgumentException if it has fewer than 32 bytes
	 */
	public B hmacSecret(String secret) {
		this.auth.hmacSecret(secret);
		return self();
	}

	/** A decoder of the application's choice that verifies tokens (its own validators apply). */
	public B jwtDecoder(JwtDecoder decoder) {
		this.auth.jwtDecoder(decoder);
		return self();
	}

	/** The RSA public key that verifies RS256 tokens. */
	public B rsaPublicKey(RSAPublicKey key) {
		this.auth.rsaPublicKey(key);
		return self();
	}

	/** The JWK set (an identity provider's keys, http or https) that verifies tokens; set {@link #issuer} too. */
	public B jwkSetUri(URI uri) {
		this.auth.jwkSetUri(uri);
		return self();
	}

	/**
	 * The issuer: every token must carry it as {@code iss}, also one verified by a decoder given with
	 * {@link #jwtDecoder} (checked after that decoder's own checks); tokens issued for API keys carry it.
	 */
	public B issuer(String issuer) {
		this.auth.issuer(issuer);
		return self();
	}

	/**
	 * The audience: every token must name it in {@code aud} (a token an identity provider issued for
	 * another service is refused), also one verified by a decoder given with {@link #jwtDecoder}
	 * (checked after that decoder's own checks); tokens issued for API keys carry it.
	 * @throws IllegalArgumentException if it is blank
	 */
	public B audience(String audience) {
		this.auth.audience(audience);
		return self();
	}

	/**
	 * An API key that {@code POST <path>/auth/token} exchanges for a token whose subject is
	 * {@code userId}; requires {@link #hmacSecret(byte[])}.
	 * @throws IllegalArgumentException if either is blank or the key was added before
	 */
	public B apiKey(String key, String userId) {
		this.auth.apiKey(key, userId);
		return self();
	}

	/** How long a token issued for an API key is valid: 10 s to 24 h, default 15 min. */
	public B tokenTtl(Duration ttl) {
		this.auth.tokenTtl(ttl);
		return self();
	}

	/** Who may read and write which partition (default: everyone everything, with a warning). */
	public B permissions(SyncPermissions permissions) {
		this.auth.permissions(permissions);
		return self();
	}

	/**
	 * Accepts connections without a token as anonymous, for development and tests only (a warning
	 * is logged). A token that is presented is still verified when a decoder is configured.
	 * Without {@link #permissions}, anonymous connections may read and write every partition.
	 */
	public B allowAnonymous() {
		this.auth.allowAnonymous();
		return self();
	}

}
