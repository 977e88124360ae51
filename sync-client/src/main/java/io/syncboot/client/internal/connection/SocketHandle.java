package io.syncboot.client.internal.connection;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncMessage;
import jakarta.websocket.Session;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.tomcat.websocket.WsSession;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * One WebSocket: the Spring handler that assembles fragments (bounded by the codec's message size
 * limit) and decodes messages, and a {@link SendQueue} that sends one message at a time with
 * non-blocking sends, so the event loop never blocks on the network, sends never overlap, and a
 * message leaves on the thread that sent it when nothing is queued before it.
 */
final class SocketHandle extends AbstractWebSocketHandler {

	private static final Logger logger = LoggerFactory.getLogger(SocketHandle.class);

	private final MessageCodec codec;

	private final TransportListener listener;

	/** How long one send may take (as Tomcat's default for blocking sends) before the socket is dropped. */
	private static final long SEND_TIMEOUT_MILLIS = 20_000;

	private final StringBuilder fragments = new StringBuilder(); // network thread only

	private long fragmentBytes; // network thread only

	private volatile @Nullable WebSocketSession session;

	private volatile @Nullable SendQueue sends;

	private volatile @Nullable CompletableFuture<WebSocketSession> handshake;

	private volatile boolean closed;

	private final Executor closer;

	/**
	 * @param closer runs the (blocking) closing handshakes, so that neither the event loop nor the
	 * container's I/O threads wait on them
	 */
	SocketHandle(MessageCodec codec, TransportListener listener, Executor closer) {
		this.codec = codec;
		this.listener = listener;
		this.closer = closer;
	}

	void connecting(CompletableFuture<WebSocketSession> handshake) {
		this.handshake = handshake;
		handshake.whenComplete((session, error) -> {
			if (error != null && !this.closed) {
				this.listener.onFailure(error);
			}
		});
	}

	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		Session nativeSession = (session instanceof NativeWebSocketSession nativeCapable)
				? nativeCapable.getNativeSession(Session.class) : null;
		if (nativeSession == null) {
			closeSession(session, CloseStatus.SERVER_ERROR);
			this.listener.onFailure(new IllegalStateException("the WebSocket container offers no JSR-356 session"));
			return;
		}
		this.sends = new SendQueue(nativeSession, SEND_TIMEOUT_MILLIS, error -> {
			logger.debug("Send failed", error);
			this.listener.onFailure(error);
			closeLater(session, CloseStatus.SESSION_NOT_RELIABLE);
		});
		this.session = session;
		if (this.closed) {
			closeSession(session, CloseStatus.GOING_AWAY);
			return;
		}
		this.listener.onOpen();
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		this.fragmentBytes += message.getPayloadLength();
		if (this.fragmentBytes > this.codec.maxMessageBytes()) {
			this.fragments.setLength(0);
			this.fragmentBytes = 0;
			this.listener.onProtocolError(new ProtocolException(ErrorCode.MESSAGE_TOO_BIG,
					"a message from the server exceeds " + this.codec.maxMessageBytes() + " bytes"));
			return;
		}
		this.fragments.append(message.getPayload());
		if (!message.isLast()) {
			return;
		}
		String text = this.fragments.toString();
		this.fragments.setLength(0);
		this.fragmentBytes = 0;
		SyncMessage decoded;
		try {
			decoded = this.codec.decode(text);
		}
		catch (ProtocolException ex) {
			this.listener.onProtocolError(ex);
			return;
		}
		this.listener.onMessage(decoded);
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
		if (!this.closed) {
			this.listener.onFailure(exception);
		}
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		SendQueue queue = this.sends;
		if (queue != null) {
			queue.abort();
		}
		this.listener.onClosed(status.getCode(), (status.getReason() != null) ? status.getReason() : "");
	}

	/**
	 * Stops reading from the socket until {@link #resumeReading()} (back pressure: the server's
	 * sends then wait in the network buffers); the message being delivered still is. Call once.
	 */
	void pauseReading() {
		WsSession tomcat = tomcatSession();
		if (tomcat != null) {
			tomcat.suspend();
		}
	}

	/**
	 * Reads again after {@link #pauseReading()}; messages already buffered may be delivered on the
	 * calling thread before it returns.
	 */
	void resumeReading() {
		WsSession tomcat = tomcatSession();
		if (tomcat != null && tomcat.isOpen()) {
			tomcat.resume();
		}
	}

	private @Nullable WsSession tomcatSession() {
		WebSocketSession current = this.session;
		if (current instanceof NativeWebSocketSession nativeSession
				&& nativeSession.getNativeSession() instanceof WsSession tomcat) {
			return tomcat;
		}
		return null;
	}

	/** Queues a message; sends happen in order (dropped before the socket opened or once it closes). */
	void send(String text) {
		SendQueue queue = this.sends;
		if (queue == null) {
			logger.debug("Dropped a message for a socket that is not open");
			return;
		}
		queue.send(text);
	}

	/** Closes the socket (after the queued sends) or abandons the handshake; idempotent. */
	void close(CloseStatus status) {
		if (this.closed) {
			return;
		}
		this.closed = true;
		CompletableFuture<WebSocketSession> pending = this.handshake;
		if (pending != null && !pending.isDone()) {
			pending.cancel(true);
		}
		WebSocketSession current = this.session;
		SendQueue queue = this.sends;
		if (current != null && queue != null) {
			queue.stopAfterQueued(() -> closeLater(current, status));
		}
	}

	private void closeLater(WebSocketSession session, CloseStatus status) {
		try {
			this.closer.execute(() -> closeSession(session, status));
		}
		catch (RejectedExecutionException ex) {
			closeSession(session, status);
		}
	}

	private static void closeSession(WebSocketSession session, CloseStatus status) {
		try {
			session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Closing the WebSocket failed", ex);
		}
	}

}
