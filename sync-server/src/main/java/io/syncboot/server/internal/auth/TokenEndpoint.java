package io.syncboot.server.internal.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.HttpRequestHandler;

/**
 * {@code POST <sync path>/auth/token}: exchanges an API key (header {@value #API_KEY_HEADER}, or the
 * JSON body {@code {"apiKey":"..."}}) for a short-lived token:
 * {@code 200 {"accessToken":"...","expiresIn":seconds,"tokenType":"Bearer"}}. A wrong or missing key
 * gets 401, another method 405, a body over 8 KiB 413, a server without API keys 404. Responses are
 * not cacheable. Thread-safe.
 */
public final class TokenEndpoint implements HttpRequestHandler {

	/** The header that may carry the API key. */
	public static final String API_KEY_HEADER = "X-Api-Key";

	/** The path of the endpoint below the sync path. */
	public static final String SUFFIX = "/auth/token";

	private static final int MAX_BODY_BYTES = 8 * 1024;

	private static final Logger logger = LoggerFactory.getLogger(TokenEndpoint.class);

	private final @Nullable TokenIssuer issuer;

	private final JsonMapper json = JsonMapper.builder().build();

	/** @param issuer the issuer, or {@code null} if the server has no API keys */
	public TokenEndpoint(@Nullable TokenIssuer issuer) {
		this.issuer = issuer;
	}

	@Override
	public void handleRequest(HttpServletRequest request, HttpServletResponse response) throws IOException {
		response.setHeader("Cache-Control", "no-store");
		if (!"POST".equals(request.getMethod())) {
			response.setHeader("Allow", "POST");
			write(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "method_not_allowed", "use POST");
			return;
		}
		TokenIssuer current = this.issuer;
		if (current == null) {
			write(response, HttpServletResponse.SC_NOT_FOUND, "not_found", "this server has no API keys");
			return;
		}
		String apiKey = request.getHeader(API_KEY_HEADER);
		if (apiKey == null || apiKey.isEmpty()) {
			byte[] body = read(request.getInputStream());
			if (body == null) {
				write(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "too_large",
						"the body exceeds " + MAX_BODY_BYTES + " bytes");
				return;
			}
			apiKey = apiKeyFrom(body);
		}
		Optional<TokenIssuer.IssuedToken> token = (apiKey != null && !apiKey.isEmpty()) ? current.exchange(apiKey)
				: Optional.empty();
		if (token.isEmpty()) {
			logger.info("Refused an API key exchange from {}: {}", request.getRemoteAddr(),
					(apiKey == null || apiKey.isEmpty()) ? "no key" : "unknown key");
			write(response, HttpServletResponse.SC_UNAUTHORIZED, "invalid_api_key",
					"send a configured API key in the " + API_KEY_HEADER + " header or as {\"apiKey\":\"...\"}");
			return;
		}
		TokenIssuer.IssuedToken issued = token.get();
		logger.debug("Issued a token for '{}' valid for {}", issued.subject(), issued.expiresIn());
		response.setStatus(HttpServletResponse.SC_OK);
		response.setContentType("application/json");
		response.getOutputStream().write(this.json.writeValueAsBytes(Map.of("accessToken", issued.value(),
				"expiresIn", issued.expiresIn().toSeconds(), "tokenType", "Bearer")));
	}

	private @Nullable String apiKeyFrom(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		try {
			JsonNode node = this.json.readTree(body);
			JsonNode key = (node != null) ? node.get("apiKey") : null;
			return (key != null && key.isString()) ? key.asString() : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/** The body, or {@code null} if it is too large. */
	private static byte @Nullable [] read(InputStream in) throws IOException {
		byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
		return (body.length > MAX_BODY_BYTES) ? null : body;
	}

	private static void write(HttpServletResponse response, int status, String error, String message) throws IOException {
		response.setStatus(status);
		response.setContentType("application/json");
		response.getOutputStream()
			.write(AuthHandshakeInterceptor.errorJson(error, null, message).getBytes(StandardCharsets.UTF_8));
	}

}
