package io.syncboot.autoconfigure.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata that ships in the jar describes every {@code sync.*} key, and
 * {@code docs/configuration.md} lists each of them.
 */
class ConfigurationMetadataTests {

	@Test
	void everySyncKeyHasADescriptionAndIsDocumented() throws IOException {
		JsonNode metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated metadata").isNotNull();
			metadata = JsonMapper.builder().build().readTree(in);
		}
		List<String> keys = new ArrayList<>();
		for (JsonNode property : metadata.get("properties")) {
			String name = property.get("name").asString();
			if (!name.startsWith("sync.") && !name.startsWith("management.")) {
				continue;
			}
			keys.add(name);
			JsonNode description = property.get("description");
			assertThat(description).as("description of " + name).isNotNull();
			assertThat(description.asString()).as("description of " + name).isNotBlank();
		}
		assertThat(keys).contains("sync.enabled", "sync.server-url", "sync.base-directory", "sync.auth.token",
				"sync.auth.api-key", "sync.stop-policy", "sync.client-reset-mode", "sync.reconnect.initial-delay",
				"sync.reconnect.max-delay", "sync.reconnect.multiplier", "sync.reconnect.jitter",
				"sync.keepalive.ping-interval", "sync.keepalive.pong-timeout", "sync.connect-timeout", "sync.multiplex",
				"sync.sessions", "sync.shutdown-timeout", "sync.events.progress", "sync.events.progress-interval",
				"sync.health.disconnected-grace-period", "sync.metrics.enabled", "sync.server.enabled",
				"sync.server.path", "sync.server.data-directory", "sync.server.max-message-size",
				"sync.server.send-timeout", "sync.server.allow-anonymous", "management.health.sync.enabled",
				"management.endpoint.sync.access", "management.endpoint.syncserver.access");
		List<String> hinted = new ArrayList<>();
		metadata.get("hints").forEach(hint -> hinted.add(hint.get("name").asString()));
		assertThat(hinted).contains("sync.stop-policy", "sync.client-reset-mode");

		String documentation = Files.readString(Path.of("..", "docs", "configuration.md"));
		for (String key : keys) {
			if (key.startsWith("sync.")) {
				assertThat(documentation).as("docs/configuration.md").contains("`" + key + "`");
			}
		}
		for (String perSession : List.of("partition", "stop-policy", "client-reset-mode", "auto-start")) {
			assertThat(documentation).contains("`sync.sessions.<name>." + perSession + "`");
		}
	}

}
