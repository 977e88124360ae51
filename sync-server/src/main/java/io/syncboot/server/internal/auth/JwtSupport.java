package io.syncboot.server.internal.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import org.jspecify.annotations.Nullable;

import org.springframework.security.converter.RsaKeyConverters;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Builds the Spring Security {@link JwtDecoder}s the server's settings describe: an HMAC secret
 * (HS256), an RSA public key (RS256), or a JWK set URI (RSA, RSA-PSS and EC keys); each checks the
 * signature, {@code exp} and {@code nbf} (60 s clock skew), the {@code typ} header, and {@code iss}
 * and {@code aud} when an issuer and an audience are set; and reads PEM RSA public keys. Stateless.
 */
public final class JwtSupport {

	/** The shortest HMAC secret accepted, in bytes (HS256 needs 256 bits). */
	public static final int MIN_SECRET_BYTES = 32;

	/** Connect and read timeout of a JWK set download, in milliseconds. */
	static final int JWK_SET_TIMEOUT_MILLIS = 2_000;

	/** The largest JWK set read, in bytes. */
	static final int JWK_SET_SIZE_LIMIT = 256 * 1024;

	/** The signature algorithms a key of a JWK set may verify. */
	private static final Set<SignatureAlgorithm> ASYMMETRIC_ALGORITHMS = Set.of(SignatureAlgorithm.RS256,
			SignatureAlgorithm.RS384, SignatureAlgorithm.RS512, SignatureAlgorithm.PS256, SignatureAlgorithm.PS384,
			SignatureAlgorithm.PS512, SignatureAlgorithm.ES256, SignatureAlgorithm.ES384, SignatureAlgorithm.ES512);

	private JwtSupport() {
	}

	/** The HS256 key of a secret. */
	public static SecretKey hmacKey(byte[] secret) {
		if (secret.length < MIN_SECRET_BYTES) {
			throw new IllegalArgumentException("hmacSecret must have at least " + MIN_SECRET_BYTES
					+ " bytes (256 bits), had " + secret.length);
		}
		return new SecretKeySpec(secret.clone(), "HmacSHA256");
	}

	/** A decoder of HS256 tokens signed with the secret. */
	public static JwtDecoder hmacDecoder(byte[] secret, @Nullable String issuer, @Nullable String audience) {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(hmacKey(secret))
			.macAlgorithm(MacAlgorithm.HS256)
			.build();
		decoder.setJwtValidator(validator(issuer, audience));
		return decoder;
	}

	/**
	 * Reads a PEM X.509 RSA public key (or the key of a PEM certificate) from a file.
	 * @throws UncheckedIOException if the file cannot be read
	 * @throws IllegalArgumentException if it holds no such key (another kind of key or certificate,
	 * or no PEM at all); the message names the file
	 */
	public static RSAPublicKey readRsaPublicKey(Path file) {
		try (InputStream in = Files.newInputStream(file)) {
			return RsaKeyConverters.x509().convert(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + file + ": " + ex.getMessage(), ex);
		}
		catch (IllegalArgumentException | ClassCastException ex) { // an EC certificate fails with the latter
			throw new IllegalArgumentException(file + " holds no PEM X.509 RSA public key (" + ex.getMessage() + ")", ex);
		}
	}

	/** A decoder of RS256 tokens signed with the key's private half. */
	public static JwtDecoder rsaDecoder(RSAPublicKey key, @Nullable String issuer, @Nullable String audience) {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey(key).build();
		decoder.setJwtValidator(validator(issuer, audience));
		return decoder;
	}

	/**
	 * A decoder of tokens signed (RSA, RSA-PSS or EC) with a key of the JWK set at the URI. The set is
	 * fetched on first use (timeouts {@value #JWK_SET_TIMEOUT_MILLIS} ms, at most
	 * {@value #JWK_SET_SIZE_LIMIT} bytes), cached for five minutes and refreshed ahead of that; a token
	 * naming a key the set lacks fetches it again at most once every 30 s (forged key ids cannot make
	 * every handshake a download); while the URI cannot be reached the last set fetched serves for up
	 * to an hour. A set that cannot be had fails decoding with a {@link JwtException} caused by a
	 * {@link KeySourceException} ({@link #isKeySourceFailure}).
	 */
	public static JwtDecoder jwkSetDecoder(URI jwkSetUri, @Nullable String issuer, @Nullable String audience) {
		URL url;
		try {
			url = jwkSetUri.toURL();
		}
		catch (MalformedURLException | IllegalArgumentException ex) {
			throw new IllegalArgumentException("jwkSetUri is not a URL: " + jwkSetUri, ex);
		}
		JWKSource<SecurityContext> source = JWKSourceBuilder
			.<SecurityContext>create(url,
					new DefaultResourceRetriever(JWK_SET_TIMEOUT_MILLIS, JWK_SET_TIMEOUT_MILLIS, JWK_SET_SIZE_LIMIT))
			.cache(true)
			.rateLimited(true)
			.outageTolerant(Duration.ofHours(1).toMillis())
			.build();
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(source)
			.jwsAlgorithms(algorithms -> algorithms.addAll(ASYMMETRIC_ALGORITHMS))
			.build();
		decoder.setJwtValidator(validator(issuer, audience));
		return decoder;
	}

	/**
	 * Whether a decoding failure comes from the key source (a JWK set that cannot be fetched), not
	 * from the token: the token may well be valid. A key id the set lacks, which the rate limit did
	 * not let fetch the set again, is the token's failure (its key is not one the server trusts now).
	 */
	public static boolean isKeySourceFailure(Throwable failure) {
		return keySourceFailure(failure) instanceof KeySourceException keys && !(keys instanceof RateLimitReachedException);
	}

	/** Why a token was refused, in words a client may read. */
	public static String reason(JwtException failure) {
		return (keySourceFailure(failure) instanceof RateLimitReachedException)
				? "no key of the server's key set matches the token's key id" : String.valueOf(failure.getMessage());
	}

	private static @Nullable Throwable keySourceFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() == cause) ? null : cause.getCause()) {
			if (cause instanceof KeySourceException) {
				return cause;
			}
		}
		return null;
	}

	/**
	 * A decoder that decodes with {@code decoder} (its own checks apply) and then also requires an
	 * {@code exp} claim (a connection is closed when its token expires; one without would stay open
	 * for good), the {@code iss} claim to be {@code issuer} and {@code aud} to name {@code audience}
	 * (each if not null), failing with a {@link JwtValidationException} otherwise.
	 */
	public static JwtDecoder requiring(JwtDecoder decoder, @Nullable String issuer, @Nullable String audience) {
		List<OAuth2TokenValidator<Jwt>> validators = claimValidators(issuer, audience);
		validators.add(0, EXPIRES);
		DelegatingOAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(validators);
		return token -> {
			Jwt jwt = decoder.decode(token);
			OAuth2TokenValidatorResult result = validator.validate(jwt);
			if (result.hasErrors()) {
				throw new JwtValidationException(describe(result), result.getErrors());
			}
			return jwt;
		};
	}

	private static String describe(OAuth2TokenValidatorResult result) {
		return result.getErrors().stream().map(error -> String.valueOf(error.getDescription()))
			.collect(Collectors.joining("; "));
	}

	/**
	 * Spring Security's default checks ({@code exp}, {@code nbf}, a certificate-bound token's
	 * thumbprint), an {@code exp} claim present, the issuer and the audience if set, and a {@code typ}
	 * header an access token carries: none, {@code JWT}, or RFC 9068's {@code at+jwt}, which identity
	 * providers set on access tokens (an ID token or a security event is refused).
	 */
	private static OAuth2TokenValidator<Jwt> validator(@Nullable String issuer, @Nullable String audience) {
		JwtTypeValidator type = new JwtTypeValidator("JWT", "at+jwt", "application/at+jwt");
		type.setAllowEmpty(true);
		List<OAuth2TokenValidator<Jwt>> validators = claimValidators(issuer, audience);
		validators.add(0, type);
		validators.add(1, EXPIRES);
		return JwtValidators.createDefaultWithValidators(validators);
	}

	/**
	 * Refuses a token without {@code exp}: one that never expires would stay usable for good once
	 * leaked (Spring Security's default checks only an {@code exp} that is present).
	 */
	private static final OAuth2TokenValidator<Jwt> EXPIRES = jwt -> (jwt.getExpiresAt() != null)
			? OAuth2TokenValidatorResult.success()
			: OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN,
					"the token has no exp claim: only tokens that expire are accepted", null));

	/** The checks of {@code iss} and {@code aud}, each if set. */
	private static List<OAuth2TokenValidator<Jwt>> claimValidators(@Nullable String issuer, @Nullable String audience) {
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		if (issuer != null) {
			validators.add(new JwtIssuerValidator(issuer));
		}
		if (audience != null) {
			validators.add(new JwtAudienceValidator(audience));
		}
		return validators;
	}

}
