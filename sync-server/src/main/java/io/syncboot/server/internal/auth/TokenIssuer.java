package io.syncboot.server.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Exchanges configured API keys for short-lived HS256 tokens signed with the server's HMAC secret
 * (Spring Security's {@link NimbusJwtEncoder}). A token carries {@code sub} (the key's user),
 * {@code iat}, {@code exp}, {@code jti} and, when configured, {@code iss}. Keys are held only as
 * SHA-256 digests. Immutable and thread-safe.
 */
public final class TokenIssuer {

	/** A minted token. */
	public record IssuedToken(String value, String subject, Duration expiresIn) {
	}

	private final JwtEncoder encoder;

	private final @Nullable String issuer;

	private final @Nullable String audience;

	private final Duration ttl;

	private final Map<String, String> usersByKeyDigest;

	private final Clock clock;

	/**
	 * @param secret the HMAC secret, at least 32 bytes
	 * @param issuer the {@code iss} of minted tokens, or {@code null}
	 * @param audience the {@code aud} of minted tokens, or {@code null}
	 * @param ttl how long a minted token is valid
	 * @param apiKeys user id by API key
	 * @param clock the clock of {@code iat} and {@code exp}
	 */
	public TokenIssuer(byte[] secret, @Nullable String issuer, @Nullable String audience, Duration ttl,
			Map<String, String> apiKeys, Clock clock) {
		this.encoder = NimbusJwtEncoder.withSecretKey(JwtSupport.hmacKey(secret)).algorithm(MacAlgorithm.HS256).build();
		this.issuer = issuer;
		this.audience = audience;
		this.ttl = ttl;
		this.clock = clock;
		Map<String, String> users = new LinkedHashMap<>();
		apiKeys.forEach((key, user) -> users.put(digest(key), user));
		this.usersByKeyDigest = Map.copyOf(users);
	}

	/** The token for an API key, or empty if the key is not configured. */
	public Optional<IssuedToken> exchange(String apiKey) {
		String user = this.usersByKeyDigest.get(digest(apiKey));
		return (user != null) ? Optional.of(issue(user)) : Optional.empty();
	}

	/** A token for a user. */
	public IssuedToken issue(String subject) {
		Instant now = this.clock.instant();
		JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
			.subject(subject)
			.issuedAt(now)
			.expiresAt(now.plus(this.ttl))
			.id(UUID.randomUUID().toString());
		String iss = this.issuer;
		if (iss != null) {
			claims.issuer(iss);
		}
		String aud = this.audience;
		if (aud != null) {
			claims.audience(List.of(aud));
		}
		String value = this.encoder
			.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).type("JWT").build(), claims.build()))
			.getTokenValue();
		return new IssuedToken(value, subject, this.ttl);
	}

	private static String digest(String key) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
