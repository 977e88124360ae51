package io.syncboot.autoconfigure.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * A generated RSA key pair for tests: its public key as PEM, and RS256 tokens signed with its
 * private key (with nimbus-jose-jwt, which comes with Spring Security's JOSE support).
 */
final class RsaTokens {

	private final KeyPair keys;

	private RsaTokens(KeyPair keys) {
		this.keys = keys;
	}

	static RsaTokens generate() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return new RsaTokens(generator.generateKeyPair());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	RSAPublicKey publicKey() {
		return (RSAPublicKey) this.keys.getPublic();
	}

	/** Writes the public key as a PEM file ({@code -----BEGIN PUBLIC KEY-----}) and returns its path. */
	Path writePublicKey(Path file) {
		return writePem(file, this.keys.getPublic());
	}

	static Path writePem(Path file, PublicKey key) {
		String pem = "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
		try {
			Files.createDirectories(file.getParent());
			return Files.writeString(file, pem);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** An RS256 token for the subject, valid for five minutes, optionally with an issuer. */
	String token(String subject, String... issuer) {
		return sign(claims(subject, issuer).build());
	}

	/** An RS256 token for the subject from the issuer, naming the audience, valid for five minutes. */
	String tokenWithAudience(String subject, String issuer, String audience) {
		return sign(claims(subject, issuer).audience(audience).build());
	}

	private static JWTClaimsSet.Builder claims(String subject, String... issuer) {
		Instant now = Instant.now();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
		if (issuer.length > 0) {
			claims.issuer(issuer[0]);
		}
		return claims;
	}

	private String sign(JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(),
					claims);
			jwt.sign(new RSASSASigner(this.keys.getPrivate()));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
