package io.syncboot.server.internal.embedded;

import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * The embedded server's Spring configuration: registers the {@link SyncEndpoint}'s handler at its
 * path behind the authenticating handshake interceptor, and the token endpoint at
 * {@code path + "/auth/token"}.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
public class SyncWebSocketConfiguration implements WebSocketConfigurer {

	private final SyncEndpoint endpoint;

	public SyncWebSocketConfiguration(SyncEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(this.endpoint.handler(), this.endpoint.path()).addInterceptors(this.endpoint.interceptor());
	}

	@Bean
	SimpleUrlHandlerMapping syncTokenEndpointMapping() {
		SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(
				Map.of(this.endpoint.path() + "/auth/token", this.endpoint.tokenEndpoint()));
		mapping.setOrder(0);
		return mapping;
	}

}
