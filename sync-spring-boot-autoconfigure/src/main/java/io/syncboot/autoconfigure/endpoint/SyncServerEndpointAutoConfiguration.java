package io.syncboot.autoconfigure.endpoint;

import io.syncboot.autoconfigure.server.SyncServerAutoConfiguration;
import io.syncboot.autoconfigure.server.SyncServerProperties;
import io.syncboot.server.SyncServerEngine;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link SyncServerEndpoint}
 * ({@code syncserver}) of an application that runs the sync server.
 */
@AutoConfiguration(after = SyncServerAutoConfiguration.class)
@ConditionalOnClass({ SyncServerEngine.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnAvailableEndpoint(SyncServerEndpoint.class)
public final class SyncServerEndpointAutoConfiguration {

	SyncServerEndpointAutoConfiguration() {
	}

	@Bean
	@ConditionalOnBean({ SyncServerEngine.class, SyncServerProperties.class })
	@ConditionalOnMissingBean
	SyncServerEndpoint syncServerEndpoint(SyncServerEngine engine, SyncServerProperties properties) {
		boolean embedded = properties.getStore().getType() == SyncServerProperties.StoreType.EMBEDDED;
		return new SyncServerEndpoint(engine, properties.getPath(), embedded ? properties.getDataDirectory() : null);
	}

}
