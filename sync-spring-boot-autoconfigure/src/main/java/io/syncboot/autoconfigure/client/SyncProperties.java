package io.syncboot.autoconfigure.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Client settings bound from {@code sync.*}.
 */
@ConfigurationProperties("sync")
public class SyncProperties {

	/**
	 * Whether the SyncBoot client is auto-configured.
	 */
	private boolean enabled = true;

	/**
	 * WebSocket URL of the sync server, for example ws://localhost:8080/sync.
	 */
	private @Nullable URI serverUrl;

	/**
	 * Directory that holds the local database files, one per user and partition.
	 */
	private Path baseDirectory = Path.of("sync-data");

	/**
	 * Delay before the first reconnect attempt after a connection is lost.
	 */
	private Duration reconnectInitialDelay = Duration.ofSeconds(1);

	/**
	 * Longest delay between reconnect attempts.
	 */
	private Duration reconnectMaxDelay = Duration.ofMinutes(5);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable URI getServerUrl() {
		return this.serverUrl;
	}

	public void setServerUrl(@Nullable URI serverUrl) {
		this.serverUrl = serverUrl;
	}

	public Path getBaseDirectory() {
		return this.baseDirectory;
	}

	public void setBaseDirectory(Path baseDirectory) {
		this.baseDirectory = baseDirectory;
	}

	public Duration getReconnectInitialDelay() {
		return this.reconnectInitialDelay;
	}

	public void setReconnectInitialDelay(Duration reconnectInitialDelay) {
		this.reconnectInitialDelay = reconnectInitialDelay;
	}

	public Duration getReconnectMaxDelay() {
		return this.reconnectMaxDelay;
	}

	public void setReconnectMaxDelay(Duration reconnectMaxDelay) {
		this.reconnectMaxDelay = reconnectMaxDelay;
	}

}
