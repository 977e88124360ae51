package io.syncboot.server.internal.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

import org.springframework.security.converter.RsaKeyConverters;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Builds the Spring Security {@link JwtDecoder}s the server's settings describe: an HMAC secret
 * (HS256), an RSA public key (RS256), or a JWK set URI; each checks the signature, {@code exp} and
 * {@code nbf} (60 s clock skew) and, when an issuer is set, {@code iss}; and reads PEM RSA public
 * keys. Stateless.
 */
public final class JwtSupport {

	/** The shortest HMAC secret accepted, in bytes (HS256 needs 256 bits). */
	public static final int MIN_SECRET_BYTES = 32;

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
	public static JwtDecoder hmacDecoder(byte[] secret, @Nullable String issuer) {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(hmacKey(secret)).macAlgorithm(MacAlgorithm.HS256).build();
		decoder.setJwtValidator(validator(issuer));
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
	public static JwtDecoder rsaDecoder(RSAPublicKey key, @Nullable String issuer) {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey(key).build();
		decoder.setJwtValidator(validator(issuer));
		return decoder;
	}

	/** A decoder of tokens signed with a key of the JWK set at the URI (fetched and cached on use). */
	public static JwtDecoder jwkSetDecoder(URI jwkSetUri, @Nullable String issuer) {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwkSetUri.toString()).build();
		decoder.setJwtValidator(validator(issuer));
		return decoder;
	}

	/**
	 * A decoder that decodes with {@code decoder} (its own checks apply) and then also requires the
	 * {@code iss} claim to be {@code issuer}, failing with a {@link JwtValidationException} otherwise.
	 */
	public static JwtDecoder requiringIssuer(JwtDecoder decoder, String issuer) {
		JwtIssuerValidator validator = new JwtIssuerValidator(issuer);
		return token -> {
			Jwt jwt = decoder.decode(token);
			OAuth2TokenValidatorResult result = validator.validate(jwt);
			if (result.hasErrors()) {
				throw new JwtValidationException("the token's issuer is not " + issuer, result.getErrors());
			}
			return jwt;
		};
	}

	private static OAuth2TokenValidator<Jwt> validator(@Nullable String issuer) {
		return (issuer != null) ? JwtValidators.createDefaultWithIssuer(issuer) : JwtValidators.createDefault();
	}

}
