package io.syncboot.server.internal.embedded;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * The embedded server's Spring configuration: registers the {@link SyncEndpoint}'s handler at its
 * path. Handshake interceptors (authentication) are added here later.
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
		registry.addHandler(this.endpoint.handler(), this.endpoint.path());
	}

}
