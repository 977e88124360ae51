package io.syncboot.autoconfigure.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Exchanges {@code sync.auth.api-key} at the server's {@code <path>/auth/token} endpoint for
 * short-lived access tokens, and exchanges it again shortly before a token expires. Called on
 * SyncBoot's handshake threads (and once at startup to log the user in); thread-safe.
 */
final class ApiKeyTokenProvider implements SyncAccessTokenProvider {

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

	private final URI tokenUrl;

	private final String apiKey;

	private final HttpClient http;

	private final JsonMapper json = JsonMapper.builder().build();

	private final Clock clock;

	private @Nullable String token; // guarded by this

	private Instant refreshAt = Instant.MIN; // guarded by this

	ApiKeyTokenProvider(URI serverUrl, String apiKey, Clock clock) {
		this.tokenUrl = tokenUrl(serverUrl);
		this.apiKey = apiKey;
		this.clock = clock;
		this.http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
	}

	/** {@code ws://host/sync} becomes {@code http://host/sync/auth/token}, {@code wss} becomes {@code https}. */
	static URI tokenUrl(URI serverUrl) {
		String scheme = "wss".equals(serverUrl.getScheme().toLowerCase(Locale.ROOT)) ? "https" : "http";
		String path = (serverUrl.getRawPath() == null || serverUrl.getRawPath().isEmpty()) ? "" : serverUrl.getRawPath();
		if (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		return URI.create(scheme + "://" + serverUrl.getRawAuthority() + path + "/auth/token");
	}

	@Override
	public synchronized String accessToken() {
		String current = this.token;
		if (current != null && this.clock.instant().isBefore(this.refreshAt)) {
			return current;
		}
		HttpRequest request = HttpRequest.newBuilder(this.tokenUrl)
			.timeout(REQUEST_TIMEOUT)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(this.json.writeValueAsString(java.util.Map.of("apiKey", this.apiKey)),
					StandardCharsets.UTF_8))
			.build();
		HttpResponse<String> response;
		try {
			response = this.http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Exchanging sync.auth.api-key at " + this.tokenUrl + " failed: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while exchanging sync.auth.api-key at " + this.tokenUrl, ex);
		}
		if (response.statusCode() != 200) {
			throw new IllegalStateException("The server refused sync.auth.api-key at " + this.tokenUrl + ": HTTP "
					+ response.statusCode());
		}
		try {
			JsonNode body = this.json.readTree(response.body());
			String issued = body.get("accessToken").asString();
			long expiresIn = body.path("expiresIn").asLong(60);
			this.token = issued;
			// refresh when 80 % of the lifetime has passed
			this.refreshAt = this.clock.instant().plusSeconds(Math.max(1, expiresIn * 4 / 5));
			return issued;
		}
		catch (JacksonException | NullPointerException ex) {
			throw new IllegalStateException("Unexpected answer from " + this.tokenUrl + " to the API-key exchange", ex);
		}
	}

}
