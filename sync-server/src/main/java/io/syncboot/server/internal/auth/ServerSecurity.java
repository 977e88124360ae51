package io.syncboot.server.internal.auth;

import java.net.URI;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * The authentication parts of one engine, built from its settings: the {@link Authenticator}, the
 * handshake interceptor that applies it, and the API-key token endpoint. Immutable.
 */
public final class ServerSecurity {

	private final Authenticator authenticator;

	private final AuthHandshakeInterceptor interceptor;

	private final TokenEndpoint tokenEndpoint;

	private final @Nullable TokenIssuer issuer;

	private final String description;

	private ServerSecurity(Authenticator authenticator, @Nullable TokenIssuer issuer, String description) {
		this.authenticator = authenticator;
		this.interceptor = new AuthHandshakeInterceptor(authenticator);
		this.tokenEndpoint = new TokenEndpoint(issuer);
		this.issuer = issuer;
		this.description = description;
	}

	/** The settings to build from; the caller has validated each value and their combination. */
	public record Settings(byte @Nullable [] hmacSecret, @Nullable JwtDecoder jwtDecoder,
			@Nullable RSAPublicKey rsaPublicKey, @Nullable URI jwkSetUri, @Nullable String issuer,
			@Nullable String audience, Map<String, String> apiKeys, Duration tokenTtl, boolean allowAnonymous) {
	}

	/** Builds the decoder the settings describe (a given decoder wins over a built one). */
	public static ServerSecurity create(Settings settings, Clock clock) {
		JwtDecoder decoder = settings.jwtDecoder();
		String description;
		byte[] secret = settings.hmacSecret();
		RSAPublicKey rsa = settings.rsaPublicKey();
		URI jwkSetUri = settings.jwkSetUri();
		if (decoder != null) {
			description = "JWT bearer tokens (application-provided decoder)";
			decoder = JwtSupport.requiring(decoder, settings.issuer(), settings.audience());
		}
		else if (secret != null) {
			decoder = JwtSupport.hmacDecoder(secret, settings.issuer(), settings.audience());
			description = "JWT bearer tokens (HS256)";
		}
		else if (rsa != null) {
			decoder = JwtSupport.rsaDecoder(rsa, settings.issuer(), settings.audience());
			description = "JWT bearer tokens (RS256 public key)";
		}
		else if (jwkSetUri != null) {
			decoder = JwtSupport.jwkSetDecoder(jwkSetUri, settings.issuer(), settings.audience());
			description = "JWT bearer tokens (JWK set " + jwkSetUri + ")";
		}
		else {
			description = "none";
		}
		if (settings.issuer() != null && decoder != null) {
			description += ", issuer " + settings.issuer();
		}
		if (settings.audience() != null && decoder != null) {
			description += ", audience " + settings.audience();
		}
		if (settings.allowAnonymous()) {
			description += (decoder != null) ? ", anonymous connections allowed" : " (anonymous connections only)";
		}
		TokenIssuer issuer = (secret != null && !settings.apiKeys().isEmpty())
				? new TokenIssuer(secret, settings.issuer(), settings.audience(), settings.tokenTtl(),
						settings.apiKeys(), clock) : null;
		if (issuer != null) {
			description += ", " + settings.apiKeys().size() + " API key(s), token TTL " + settings.tokenTtl();
		}
		return new ServerSecurity(new Authenticator(decoder, settings.allowAnonymous(), clock), issuer, description);
	}

	public Authenticator authenticator() {
		return this.authenticator;
	}

	public AuthHandshakeInterceptor interceptor() {
		return this.interceptor;
	}

	public TokenEndpoint tokenEndpoint() {
		return this.tokenEndpoint;
	}

	/** The access token the token endpoint would issue for an API key; empty for an unknown key. */
	public Optional<String> exchange(String apiKey) {
		TokenIssuer current = this.issuer;
		return (current != null) ? current.exchange(apiKey).map(TokenIssuer.IssuedToken::value) : Optional.empty();
	}

	/** What authenticates connections, for the log. */
	public String description() {
		return this.description;
	}

}
