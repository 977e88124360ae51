package io.syncboot.client.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.protocol.ProtocolException;

/**
 * Exchanges an API key for a JWT at the server's token endpoint: {@code POST <sync path>/auth/token}
 * on the http(s) form of the ws(s) server URL, body {@code {"apiKey":"..."}}, answer
 * {@code {"accessToken","expiresIn","tokenType":"Bearer"}}. Blocking: never called on the event
 * loop. Thread-safe.
 */
final class TokenExchange {

	private final URI endpoint;

	private final Duration timeout;

	private final MessageCodec codec;

	private final HttpClient client;

	TokenExchange(URI serverUrl, Duration timeout, MessageCodec codec) {
		this.endpoint = endpoint(serverUrl);
		this.timeout = timeout;
		this.codec = codec;
		this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
	}

	/** {@code ws://host:port/sync} → {@code http://host:port/sync/auth/token} (wss → https). */
	static URI endpoint(URI serverUrl) {
		String scheme = "wss".equalsIgnoreCase(serverUrl.getScheme()) ? "https" : "http";
		String path = (serverUrl.getRawPath() == null) ? "" : serverUrl.getRawPath();
		if (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		return URI.create(scheme + "://" + serverUrl.getRawAuthority() + path + "/auth/token");
	}

	/**
	 * The access token the server issues for {@code apiKey}.
	 * @throws Refused if the server refuses the key (HTTP 401 or 403) or has no token endpoint (404)
	 * @throws UncheckedIOException if the server cannot be reached or answers otherwise
	 */
	String exchange(String apiKey) {
		String body = this.codec.encodeFields(Map.of("apiKey", apiKey));
		HttpRequest request = HttpRequest.newBuilder(this.endpoint)
			.timeout(this.timeout)
			.header("Content-Type", "application/json")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
			.build();
		HttpResponse<String> response;
		try {
			response = this.client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			String cause = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
			throw new UncheckedIOException("cannot reach the token endpoint " + this.endpoint + ": " + cause, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new UncheckedIOException("interrupted while exchanging the API key", new IOException(ex));
		}
		int status = response.statusCode();
		if (status == 401 || status == 403 || status == 404) {
			throw new Refused("the token endpoint " + this.endpoint + " refused the API key (HTTP " + status + ")");
		}
		if (status != 200) {
			throw new UncheckedIOException(new IOException("the token endpoint " + this.endpoint + " answered HTTP " + status));
		}
		Object token;
		try {
			Map<String, Object> answer = this.codec.decodeFields(response.body());
			token = answer.get("accessToken");
		}
		catch (ProtocolException ex) {
			throw new UncheckedIOException(new IOException("the token endpoint's answer is not JSON: " + ex.getMessage(), ex));
		}
		if (!(token instanceof String jwt) || jwt.split("\\.", -1).length != 3) {
			throw new UncheckedIOException(new IOException("the token endpoint's answer has no accessToken JWT"));
		}
		return jwt;
	}

	/** The server refused the API key. */
	static final class Refused extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Refused(String message) {
			super(message);
		}

	}

}
