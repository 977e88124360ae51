package io.syncboot.client.internal.connection;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.protocol.SyncProtocol;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import org.apache.tomcat.websocket.WsWebSocketContainer;
import org.jspecify.annotations.Nullable;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;

/**
 * Opens WebSockets with Spring's {@link StandardWebSocketClient} on a JSR-356 client container of
 * its own (Tomcat's), offering the sync sub-protocol and the bearer token. The container keeps its
 * default 8 KiB message buffer; larger messages arrive in fragments that {@link SocketHandle}
 * assembles. One per manager; thread-safe.
 */
public final class WebSocketTransport implements AutoCloseable {

	private static final String IO_TIMEOUT_PROPERTY = "org.apache.tomcat.websocket.IO_TIMEOUT_MS";

	private final WebSocketContainer container;

	private final StandardWebSocketClient client;

	private final SimpleAsyncTaskExecutor handshakeExecutor;

	private final MessageCodec codec;

	public WebSocketTransport(Duration connectTimeout, MessageCodec codec) {
		this.codec = codec;
		this.container = ContainerProvider.getWebSocketContainer();
		this.client = new StandardWebSocketClient(this.container);
		this.client.setUserProperties(Map.of(IO_TIMEOUT_PROPERTY, String.valueOf(connectTimeout.toMillis())));
		this.handshakeExecutor = new SimpleAsyncTaskExecutor("syncboot-connect-");
		this.handshakeExecutor.setDaemon(true);
		this.client.setTaskExecutor(this.handshakeExecutor);
	}

	/**
	 * Starts opening a WebSocket; events go to {@code listener} on network threads. The token is
	 * fetched first, on a handshake thread ({@code syncboot-connect-*}), so a slow token provider
	 * never blocks the event loop; its failure is reported as a connection failure.
	 * @param tokens supplies the token for {@code Authorization: Bearer}, empty for none
	 */
	SocketHandle connect(URI uri, Supplier<Optional<String>> tokens, TransportListener listener) {
		SocketHandle handle = new SocketHandle(this.codec, listener);
		CompletableFuture<WebSocketSession> handshake = CompletableFuture
			.supplyAsync(() -> headers(tokens.get().orElse(null)), this.handshakeExecutor)
			.thenCompose(headers -> this.client.execute(handle, headers, uri))
			// the client container does not expose a refused handshake's headers: a 401 is all it tells
			.exceptionallyCompose(error -> CompletableFuture.failedFuture(AuthRejectedException.isUnauthorized(error)
					? new AuthRejectedException(0, "the server refused the handshake with HTTP 401") : error));
		handle.connecting(handshake);
		return handle;
	}

	private static WebSocketHttpHeaders headers(@Nullable String bearerToken) {
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.setSecWebSocketProtocol(SyncProtocol.SUBPROTOCOL);
		if (bearerToken != null) {
			headers.setBearerAuth(bearerToken);
		}
		return headers;
	}

	/** Releases the container's threads and sockets. */
	@Override
	public void close() {
		this.handshakeExecutor.close();
		if (this.container instanceof WsWebSocketContainer tomcat) {
			tomcat.destroy();
		}
	}

}
