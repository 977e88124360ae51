package io.syncboot.client.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.protocol.ProtocolException;

/**
 * Reads the claims of a JWT's payload, without checking its signature (the server does that).
 */
final class Jwts {

	private Jwts() {
	}

	/**
	 * The claims of {@code token}.
	 * @throws IllegalArgumentException if the payload is not base64url JSON
	 */
	static Map<String, Object> claims(String token, MessageCodec codec) {
		String[] parts = token.split("\\.");
		if (parts.length < 2) {
			throw new IllegalArgumentException("the token is not a JWT (three dot-separated parts)");
		}
		String payload;
		try {
			payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("the token's payload is not base64url: " + ex.getMessage(), ex);
		}
		try {
			return codec.decodeFields(payload);
		}
		catch (ProtocolException ex) {
			throw new IllegalArgumentException("the token's payload is not a JSON object: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The {@code sub} claim.
	 * @throws IllegalArgumentException if the token is malformed or has no subject
	 */
	static String subject(String token, MessageCodec codec) {
		Object subject = claims(token, codec).get("sub");
		if (!(subject instanceof String sub) || sub.isBlank()) {
			throw new IllegalArgumentException("the token has no 'sub' claim to identify the user");
		}
		return sub;
	}

	/** The {@code exp} claim, if the token has a numeric one; empty for a malformed token. */
	static Optional<Instant> expiry(String token, MessageCodec codec) {
		try {
			Object exp = claims(token, codec).get("exp");
			if (exp instanceof Number number) {
				return Optional.of(Instant.ofEpochSecond(number.longValue()));
			}
			return Optional.empty();
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

}
