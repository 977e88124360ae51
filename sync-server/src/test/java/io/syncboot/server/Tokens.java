package io.syncboot.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

/**
 * Mints tokens for tests with nimbus-jose-jwt directly: valid ones, and every kind of bad one.
 */
final class Tokens {

	static final String SECRET = "a-test-secret-of-at-least-thirty-two-bytes!";

	static final String ISSUER = "https://issuer.syncboot.test";

	private Tokens() {
	}

	static JWTClaimsSet.Builder claims(String subject) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().subject(subject)
			.issuer(ISSUER)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
			.jwtID(UUID.randomUUID().toString());
	}

	static String valid(String subject) {
		return hs256(claims(subject).build(), SECRET);
	}

	static String valid(String subject, Map<String, Object> extraClaims) {
		JWTClaimsSet.Builder builder = claims(subject);
		extraClaims.forEach(builder::claim);
		return hs256(builder.build(), SECRET);
	}

	static String hs256(JWTClaimsSet claims, String secret) {
		return sign(claims, JWSAlgorithm.HS256, macSigner(secret));
	}

	static String sign(JWTClaimsSet claims, JWSAlgorithm algorithm, JWSSigner signer) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(com.nimbusds.jose.JOSEObjectType.JWT).build(), claims);
			jwt.sign(signer);
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String unsigned(String subject) {
		return new PlainJWT(claims(subject).build()).serialize();
	}

	static MACSigner macSigner(String secret) {
		try {
			return new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
