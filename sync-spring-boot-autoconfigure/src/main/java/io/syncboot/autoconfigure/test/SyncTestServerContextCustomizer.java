package io.syncboot.autoconfigure.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.syncboot.server.SyncServer;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Starts the test server before the context refreshes, registers it as the {@code syncTestServer}
 * bean, puts its URL first as {@code sync.server-url} and a fresh client directory as
 * {@code sync.base-directory} (unless the test's own inline properties set one), and closes it
 * (deleting its data and the client's) when the context closes. A new server has a new history, so
 * client files kept from an earlier run would only meet a client reset. Instances with the same API
 * keys are equal, so contexts that differ only by this customizer share the test context cache entry.
 */
class SyncTestServerContextCustomizer implements ContextCustomizer {

	static final String BEAN_NAME = "syncTestServer";

	static final String PROPERTY_SOURCE_NAME = "syncTestServer";

	private static final String BASE_DIRECTORY = "sync.base-directory";

	private static final String SERVER_DATA_DIRECTORY = "sync.server.data-directory";

	private final List<String> apiKeys;

	/** @param apiKeys API keys the server accepts, each {@code "key=userId"} */
	SyncTestServerContextCustomizer(List<String> apiKeys) {
		this.apiKeys = List.copyOf(apiKeys);
	}

	SyncTestServerContextCustomizer() {
		this(List.of());
	}

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		Map<String, String> keys = new LinkedHashMap<>();
		for (String entry : this.apiKeys) {
			int separator = entry.indexOf('=');
			if (separator <= 0 || entry.substring(separator + 1).isBlank()) {
				throw new IllegalStateException("@AutoConfigureSyncTestServer(apiKeys) entries are \"key=userId\", was '"
						+ entry + "'");
			}
			keys.put(entry.substring(0, separator).trim(), entry.substring(separator + 1).trim());
		}
		Path directory;
		try {
			directory = Files.createTempDirectory("syncboot-test-server-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create a data directory for the sync test server", ex);
		}
		SyncServer.Builder builder = SyncServer.builder().port(0).dataDirectory(directory.resolve("server")).allowAnonymous();
		if (!keys.isEmpty()) {
			byte[] secret = new byte[32];
			new SecureRandom().nextBytes(secret);
			builder.hmacSecret(secret);
			keys.forEach(builder::apiKey);
		}
		SyncServer server = builder.build().start();
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("sync.server-url", server.url().toString());
		if (!setsInline(mergedConfig, BASE_DIRECTORY, "sync.baseDirectory")) {
			properties.put(BASE_DIRECTORY, directory.resolve("client").toString());
		}
		if (!setsInline(mergedConfig, SERVER_DATA_DIRECTORY, "sync.server.dataDirectory")) {
			// an application that is its own sync server (sync.server.enabled) keeps its history apart
			// too: contexts of different configurations each get one, and nothing is left behind
			properties.put(SERVER_DATA_DIRECTORY, directory.resolve("application-server").toString());
		}
		context.getEnvironment().getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, properties));
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		beanFactory.registerSingleton(BEAN_NAME, server);
		if (beanFactory instanceof DefaultListableBeanFactory registry) {
			// Registered before any other bean, so destroyed after all of them (sessions stop first).
			registry.registerDisposableBean(BEAN_NAME + ".closer", () -> {
				server.close();
				delete(directory);
			});
		}
	}

	/** Whether the test's inline properties ({@code @SpringBootTest(properties)}, {@code @TestPropertySource}) set a key. */
	private static boolean setsInline(@Nullable MergedContextConfiguration mergedConfig, String key, String camelCaseKey) {
		if (mergedConfig == null) {
			return false;
		}
		return Arrays.stream(mergedConfig.getPropertySourceProperties())
			.map(property -> property.split("[=:]", 2)[0].trim())
			.anyMatch(name -> name.equals(key) || name.equals(camelCaseKey));
	}

	private static void delete(Path directory) {
		try (Stream<Path> files = Files.walk(directory)) {
			files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException ex) {
			// left for the operating system's temporary file cleanup
		}
	}

	@Override
	public boolean equals(Object other) {
		return other != null && other.getClass() == getClass()
				&& this.apiKeys.equals(((SyncTestServerContextCustomizer) other).apiKeys);
	}

	@Override
	public int hashCode() {
		return this.apiKeys.hashCode();
	}

}
