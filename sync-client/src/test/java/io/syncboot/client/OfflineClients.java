package io.syncboot.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Client settings for tests that run no server: a URL nothing listens on, and a first reconnect
 * delay long enough that a test never sees a second attempt.
 */
final class OfflineClients {

	/** A sync URL nothing listens on. */
	static final URI NOWHERE = URI.create("ws://127.0.0.1:9/sync");

	private OfflineClients() {
	}

	/** Settings for a manager with its files under {@code baseDirectory} and no server. */
	static SyncClientSettings settings(Path baseDirectory) {
		return SyncClientSettings.builder()
			.serverUrl(NOWHERE)
			.baseDirectory(baseDirectory)
			.reconnectInitialDelay(Duration.ofSeconds(30))
			.build();
	}

}
