package io.syncboot.server.internal.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.syncboot.core.protocol.ErrorCode;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Authenticates the WebSocket handshake before the upgrade: a refused handshake gets HTTP 401 with
 * {@code WWW-Authenticate: Bearer ...} (RFC 6750), the header {@value #ERROR_CODE_HEADER} holding
 * the SyncBoot error number (230: refresh the token; 231: the token is not valid) and a small JSON
 * body; no WebSocket is opened and nothing reaches the store. An accepted handshake carries its
 * {@link SyncPrincipal} in the session attributes under {@link #PRINCIPAL_ATTRIBUTE}. Thread-safe.
 */
public final class AuthHandshakeInterceptor implements HandshakeInterceptor {

	/** The WebSocket session attribute that holds the connection's {@link SyncPrincipal}. */
	public static final String PRINCIPAL_ATTRIBUTE = SyncPrincipal.class.getName();

	/** The response header of a refused handshake that holds the SyncBoot error number. */
	public static final String ERROR_CODE_HEADER = "SyncBoot-Error-Code";

	private static final Logger logger = LoggerFactory.getLogger(AuthHandshakeInterceptor.class);

	private final Authenticator authenticator;

	public AuthHandshakeInterceptor(Authenticator authenticator) {
		this.authenticator = authenticator;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Map<String, Object> attributes) throws IOException {
		Authenticator.Outcome outcome = this.authenticator.authenticate(request.getHeaders(), request.getURI());
		if (outcome instanceof Authenticator.Accepted accepted) {
			attributes.put(PRINCIPAL_ATTRIBUTE, accepted.principal());
			return true;
		}
		Authenticator.Refused refused = (Authenticator.Refused) outcome;
		logger.info("Refused a sync connection from {}: {} ({})", request.getRemoteAddress(), refused.message(),
				refused.code().number());
		refuse(response, refused);
		return false;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			@Nullable Exception exception) {
	}

	static void refuse(ServerHttpResponse response, Authenticator.Refused refused) throws IOException {
		HttpHeaders headers = response.getHeaders();
		String error;
		if (refused.code() == ErrorCode.INTERNAL_ERROR) {
			// not the token's fault: a 401 would make the client renew or drop a token that may be valid
			response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
			headers.set(HttpHeaders.RETRY_AFTER, "5");
			error = "temporarily_unavailable";
		}
		else {
			response.setStatusCode(HttpStatus.UNAUTHORIZED);
			String challenge = "Bearer realm=\"syncboot\"";
			if (refused.tokenPresent()) {
				challenge += ", error=\"invalid_token\", error_description=\"" + headerSafe(refused.message()) + "\"";
			}
			headers.set(HttpHeaders.WWW_AUTHENTICATE, challenge);
			error = refused.tokenPresent() ? "invalid_token" : "unauthorized";
		}
		headers.set(ERROR_CODE_HEADER, Integer.toString(refused.code().number()));
		headers.setCacheControl("no-store");
		headers.setContentType(MediaType.APPLICATION_JSON);
		response.getBody().write(errorJson(error, refused.code(), refused.message()).getBytes(StandardCharsets.UTF_8));
	}

	/** A JSON error body: {@code {"error":...,"code":n,"message":...}}. */
	static String errorJson(String error, @Nullable ErrorCode code, String message) {
		StringBuilder json = new StringBuilder("{\"error\":\"").append(jsonSafe(error)).append('"');
		if (code != null) {
			json.append(",\"code\":").append(code.number());
		}
		return json.append(",\"message\":\"").append(jsonSafe(message)).append("\"}").toString();
	}

	/** Keeps the characters RFC 6750 allows in a quoted challenge parameter. */
	private static String headerSafe(String text) {
		StringBuilder safe = new StringBuilder();
		for (int i = 0; i < text.length() && safe.length() < 200; i++) {
			char c = text.charAt(i);
			safe.append((c >= 0x20 && c <= 0x7e && c != '"' && c != '\\') ? c : ' ');
		}
		return safe.toString();
	}

	private static String jsonSafe(String text) {
		StringBuilder safe = new StringBuilder();
		for (int i = 0; i < text.length() && safe.length() < 500; i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				safe.append('\\').append(c);
			}
			else if (c < 0x20) {
				safe.append(' ');
			}
			else {
				safe.append(c);
			}
		}
		return safe.toString();
	}

}
