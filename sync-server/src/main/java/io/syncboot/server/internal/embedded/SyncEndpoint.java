package io.syncboot.server.internal.embedded;

import org.springframework.web.HttpRequestHandler;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * The handler, handshake interceptor, token endpoint and path the embedded Spring context
 * registers. Immutable.
 *
 * @param path the endpoint path, e.g. {@code /sync}
 * @param handler the SyncBoot WebSocket handler
 * @param interceptor authenticates handshakes
 * @param tokenEndpoint the API-key exchange, mapped at {@code path + "/auth/token"}
 */
public record SyncEndpoint(String path, WebSocketHandler handler, HandshakeInterceptor interceptor,
		HttpRequestHandler tokenEndpoint) {
}
