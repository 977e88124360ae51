package io.syncboot.autoconfigure.client;

import java.net.URI;

import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncManager;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures a {@link SyncManager} from {@code sync.*} when {@code sync.server-url} is set. The
 * manager is closed with the application context.
 */
@AutoConfiguration
@ConditionalOnClass(SyncManager.class)
@ConditionalOnBooleanProperty(name = "sync.enabled", matchIfMissing = true)
@ConditionalOnProperty(prefix = "sync", name = "server-url")
@EnableConfigurationProperties(SyncProperties.class)
public final class SyncClientAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	SyncManager syncManager(SyncProperties properties) {
		URI serverUrl = properties.getServerUrl();
		if (serverUrl == null) {
			throw new IllegalStateException("sync.server-url must be set to the sync server's WebSocket URL");
		}
		return SyncManager.create(SyncClientSettings.builder()
			.serverUrl(serverUrl)
			.baseDirectory(properties.getBaseDirectory())
			.reconnectInitialDelay(properties.getReconnectInitialDelay())
			.reconnectMaxDelay(properties.getReconnectMaxDelay())
			.build());
	}

}
