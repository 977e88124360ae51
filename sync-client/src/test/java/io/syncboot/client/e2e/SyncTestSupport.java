package io.syncboot.client.e2e;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.syncboot.client.Document;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncCollection;
import io.syncboot.client.SyncManager;
import io.syncboot.server.SyncServer;
import io.syncboot.test.postgres.EmbeddedDatabase;

/**
 * Shared set-up of the end-to-end tests: a real server on a free port and clients with short
 * reconnect delays.
 */
final class SyncTestSupport {

	static final Duration LONG = Duration.ofSeconds(120);

	private SyncTestSupport() {
	}

	static SyncServer startServer(Path dataDirectory, int port) {
		return SyncServer.builder().port(port).dataDirectory(dataDirectory).allowAnonymous().build().start();
	}

	/** A server on a PostgreSQL database of {@code database} instead of a data directory. */
	static SyncServer startServer(EmbeddedDatabase database, String jdbcUrl, int port) {
		return SyncServer.builder()
			.port(port)
			.jdbcUrl(jdbcUrl, database.user(), database.password())
			.allowAnonymous()
			.build()
			.start();
	}

	static SyncClientSettings settings(URI url, Path baseDirectory) {
		return SyncClientSettings.builder()
			.serverUrl(url)
			.baseDirectory(baseDirectory)
			.reconnectInitialDelay(Duration.ofMillis(50))
			.reconnectMaxDelay(Duration.ofMillis(500))
			.connectTimeout(Duration.ofSeconds(10))
			.pingInterval(Duration.ofSeconds(5))
			.pongTimeout(Duration.ofSeconds(10))
			.build();
	}

	static SyncManager manager(URI url, Path baseDirectory) {
		return SyncManager.create(settings(url, baseDirectory));
	}

	/** Every document of a collection by id. */
	static Map<String, Map<String, Object>> contents(SyncCollection collection) {
		Map<String, Map<String, Object>> contents = new TreeMap<>();
		List<Document> all = collection.all();
		all.forEach(document -> contents.put(document.id(), document.fields()));
		return contents;
	}

}
