package io.syncboot.autoconfigure.endpoint;

import io.syncboot.autoconfigure.client.SyncClientAutoConfiguration;
import io.syncboot.autoconfigure.client.SyncSessions;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link SyncEndpoint} ({@code sync})
 * and its web extension. Needs the auto-configured sessions and an available (enabled and exposed)
 * endpoint: {@code management.endpoints.web.exposure.include=sync}.
 */
@AutoConfiguration(after = SyncClientAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnAvailableEndpoint(SyncEndpoint.class)
public final class SyncEndpointAutoConfiguration {

	SyncEndpointAutoConfiguration() {
	}

	@Bean
	@ConditionalOnBean(SyncSessions.class)
	@ConditionalOnMissingBean
	SyncEndpoint syncEndpoint(SyncSessions sessions) {
		return new SyncEndpoint(sessions);
	}

	@Bean
	@ConditionalOnBean(SyncEndpoint.class)
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	SyncEndpointWebExtension syncEndpointWebExtension(SyncEndpoint endpoint) {
		return new SyncEndpointWebExtension(endpoint);
	}

}
