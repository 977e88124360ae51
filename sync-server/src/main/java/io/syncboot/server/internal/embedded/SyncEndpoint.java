package io.syncboot.server.internal.embedded;

import org.springframework.web.socket.WebSocketHandler;

/**
 * The handler and path the embedded Spring context registers. Immutable.
 *
 * @param path the endpoint path, e.g. {@code /sync}
 * @param handler the SyncBoot WebSocket handler
 */
public record SyncEndpoint(String path, WebSocketHandler handler) {
}
