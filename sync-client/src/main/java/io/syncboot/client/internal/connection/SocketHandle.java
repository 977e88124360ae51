package io.syncboot.client.internal.connection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import io.syncboot.client.internal.concurrent.SyncThreadFactory;
import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.tomcat.websocket.WsSession;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * One WebSocket: the Spring handler that assembles fragments (bounded by the codec's message size
 * limit) and decodes messages, and a writer thread that sends one message at a time, so the event
 * loop never blocks on the network and sends never overlap.
 */
final class SocketHandle extends AbstractWebSocketHandler {

	private static final Logger logger = LoggerFactory.getLogger(SocketHandle.class);

	private static final byte[] RESUME_PING = "resume".getBytes(StandardCharsets.US_ASCII);

	private final MessageCodec codec;

	private final TransportListener listener;

	private final ExecutorService writer = Executors.newSingleThreadExecutor(new SyncThreadFactory("send"));

	private final StringBuilder fragments = new StringBuilder(); // network thread only

	private volatile @Nullable WebSocketSession session;

	private volatile @Nullable CompletableFuture<WebSocketSession> handshake;

	private volatile boolean closed;

	SocketHandle(MessageCodec codec, TransportListener listener) {
		this.codec = codec;
		this.listener = listener;
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
		this.session = session;
		if (this.closed) {
			closeSession(session, CloseStatus.GOING_AWAY);
			return;
		}
		this.listener.onOpen();
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		String payload = message.getPayload();
		if (message.isLast() && this.fragments.isEmpty()) {
			decodeAndDeliver(payload);
			return;
		}
		// a UTF-8 byte per char at least: past the limit in chars is past it in bytes (the codec
		// checks the exact size of what stays within it), and the buffer stays bounded
		if ((long) this.fragments.length() + payload.length() > this.codec.maxMessageBytes()) {
			this.fragments.setLength(0);
			this.listener.onProtocolError(new ProtocolException(ErrorCode.MESSAGE_TOO_BIG,
					"a message from the server exceeds " + this.codec.maxMessageBytes() + " bytes"));
			return;
		}
		this.fragments.append(payload);
		if (!message.isLast()) {
			return;
		}
		String text = this.fragments.toString();
		this.fragments.setLength(0);
		decodeAndDeliver(text);
	}

	private void decodeAndDeliver(String text) {
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
		this.writer.shutdown();
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
	 * calling thread before it returns, or on a network thread once the server's pong to the ping
	 * this sends arrives.
	 */
	void resumeReading() {
		WsSession tomcat = tomcatSession();
		if (tomcat != null && tomcat.isOpen()) {
			tomcat.resume();
			// Tomcat's client, resumed while a socket read is pending, delivers the frames it had
			// buffered only when more bytes arrive; after a burst the server may send nothing more
			// for a long time (the end of a bootstrap), so ask it for a pong
			sendOnWriter(new PingMessage(ByteBuffer.wrap(RESUME_PING)));
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

	/** Queues a message; sends happen in order on the writer thread. */
	void send(String text) {
		sendOnWriter(new TextMessage(text));
	}

	private void sendOnWriter(WebSocketMessage<?> message) {
		try {
			this.writer.execute(() -> {
				WebSocketSession current = this.session;
				if (current == null || !current.isOpen()) {
					return;
				}
				try {
					current.sendMessage(message);
				}
				catch (IOException | RuntimeException ex) {
					logger.debug("Send failed", ex);
					this.listener.onFailure(ex);
					closeSession(current, CloseStatus.SESSION_NOT_RELIABLE);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Dropped a message for a closed connection");
		}
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
		try {
			this.writer.execute(() -> {
				WebSocketSession current = this.session;
				if (current != null) {
					closeSession(current, status);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// already closed
		}
		this.writer.shutdown();
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
