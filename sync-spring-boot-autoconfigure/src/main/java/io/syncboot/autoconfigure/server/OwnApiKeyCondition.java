package io.syncboot.autoconfigure.server;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the application's client logs in with an API key of its own sync server: the key of
 * {@code sync.auth.api-key} is one of {@code sync.server.auth.api-keys}, and {@code sync.server-url}
 * points at this application (a loopback host, {@code server.servlet.context-path} and
 * {@code spring.mvc.servlet.path} followed by the sync path, and {@code server.port}, the scheme's default port when the URL names none; with a
 * port chosen at random the URL cannot name it, so the key is exchanged over HTTP as for any server).
 */
final class OwnApiKeyCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Binder binder = Binder.get(context.getEnvironment());
		String apiKey = binder.bind("sync.auth.api-key", String.class).orElse(null);
		if (apiKey == null || apiKey.isEmpty()) {
			return ConditionOutcome.noMatch("sync.auth.api-key is not set");
		}
		Map<String, String> keys = binder.bind("sync.server.auth.api-keys", Bindable.mapOf(String.class, String.class))
			.orElse(Map.of());
		if (!keys.containsValue(apiKey)) {
			return ConditionOutcome.noMatch("sync.auth.api-key is not one of sync.server.auth.api-keys");
		}
		URI url = binder.bind("sync.server-url", URI.class).orElse(null);
		// the endpoint is mapped in the DispatcherServlet: under the context path and the servlet path
		String path = trimmed(binder.bind("server.servlet.context-path", String.class).orElse(""))
				+ trimmed(binder.bind("spring.mvc.servlet.path", String.class).orElse(""))
				+ binder.bind("sync.server.path", String.class).orElse("/sync");
		int port = binder.bind("server.port", Integer.class).orElse(8080);
		if (url == null || !isLoopback(url.getHost()) || !samePath(url.getRawPath(), path) || portOf(url) != port) {
			return ConditionOutcome.noMatch("sync.server-url " + url + " is not this application's sync server");
		}
		return ConditionOutcome.match("sync.auth.api-key is an API key of this application's sync server at " + url);
	}

	private static int portOf(URI url) {
		if (url.getPort() != -1) {
			return url.getPort();
		}
		return "wss".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
	}

	private static boolean isLoopback(@Nullable String host) {
		return host != null && (host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("[::1]"));
	}

	private static boolean samePath(@Nullable String urlPath, String serverPath) {
		return Objects.equals(trimmed(urlPath), trimmed(serverPath));
	}

	private static String trimmed(@Nullable String path) {
		String value = (path == null) ? "" : path;
		return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
	}

}
