package io.syncboot.server.internal.transport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.protocol.SyncProtocol;
import io.syncboot.server.internal.auth.AuthHandshakeInterceptor;
import io.syncboot.server.internal.auth.Authenticator;
import io.syncboot.server.internal.auth.SyncPrincipal;
import io.syncboot.server.internal.session.ServerContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.SubProtocolCapable;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * The SyncBoot WebSocket endpoint: one {@link ServerConnection} per WebSocket. Receives partial
 * messages (the container's buffer stays small; fragments are assembled up to the message limit),
 * offers the sub-protocol {@value SyncProtocol#SUBPROTOCOL}, and runs a watchdog that closes
 * connections whose send stays unfinished past the send timeout with 4003. Container callbacks
 * return quickly and never throw. Thread-safe.
 */
public final class SyncWebSocketHandler implements WebSocketHandler, SubProtocolCapable {

	private static final Logger logger = LoggerFactory.getLogger(SyncWebSocketHandler.class);

	private static final String CONNECTION = SyncWebSocketHandler.class.getName() + ".connection";

	private static final String EXPIRY = SyncWebSocketHandler.class.getName() + ".expiry";

	private final ServerContext context;

	private final Authenticator authenticator;

	private final Map<String, ServerConnection> connections = new ConcurrentHashMap<>();

	private final ScheduledFuture<?> watchdog;

	private volatile boolean shuttingDown;

	/**
	 * @param authenticator authenticates connections whose handshake did not pass the
	 * {@link AuthHandshakeInterceptor} (the endpoint was mounted without it): a refused one gets an
	 * in-band {@code error{session:0}} (230 or 231) and is closed (4001 or 1008)
	 */
	public SyncWebSocketHandler(ServerContext context, Authenticator authenticator) {
		this.context = context;
		this.authenticator = authenticator;
		long period = Math.max(50, Math.min(1_000, context.settings().sendTimeout().toMillis() / 4));
		this.watchdog = context.executors().timer().scheduleWithFixedDelay(this::checkSends, period, period,
				TimeUnit.MILLISECONDS);
	}

	@Override
	public List<String> getSubProtocols() {
		return List.of(SyncProtocol.SUBPROTOCOL);
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) throws Exception {
		if (this.shuttingDown) {
			session.close(CloseStatus.GOING_AWAY);
			return;
		}
		Authenticator.Refused refused = null;
		SyncPrincipal principal = (SyncPrincipal) session.getAttributes().get(AuthHandshakeInterceptor.PRINCIPAL_ATTRIBUTE);
		if (principal == null) {
			Authenticator.Outcome outcome = this.authenticator.authenticate(session.getHandshakeHeaders(), session.getUri());
			if (outcome instanceof Authenticator.Accepted accepted) {
				principal = accepted.principal();
			}
			else {
				refused = (Authenticator.Refused) outcome;
				principal = SyncPrincipal.anonymous();
			}
		}
		ServerConnection connection = new ServerConnection(session, this.context, principal, () -> removed(session.getId()));
		session.getAttributes().put(CONNECTION, connection);
		this.connections.put(session.getId(), connection);
		if (refused != null) {
			logger.info("Refused sync connection {} from {}: {} ({})", session.getId(), session.getRemoteAddress(),
					refused.message(), refused.code().number());
			connection.closeWithError(new SyncMessage.Error(0, refused.code(), refused.message()),
					switch (refused.code()) {
						case TOKEN_EXPIRED -> new CloseStatus(SyncProtocol.CLOSE_TOKEN_EXPIRED, ErrorCode.TOKEN_EXPIRED.name());
						case INTERNAL_ERROR -> CloseStatus.SERVER_ERROR.withReason(ErrorCode.INTERNAL_ERROR.name());
						default -> CloseStatus.POLICY_VIOLATION.withReason(ErrorCode.INVALID_TOKEN.name());
					});
			return;
		}
		scheduleExpiry(session, connection);
		List<String> offered = session.getHandshakeHeaders().getOrEmpty("Sec-WebSocket-Protocol");
		String accepted = session.getAcceptedProtocol();
		if (!offered.isEmpty() && (accepted == null || accepted.isEmpty())) {
			connection.closeWithError(new SyncMessage.Error(0, ErrorCode.UNSUPPORTED_PROTOCOL,
					"this server speaks " + SyncProtocol.SUBPROTOCOL + ", the client offered " + offered),
					new CloseStatus(SyncProtocol.CLOSE_PROTOCOL_ERROR, ErrorCode.UNSUPPORTED_PROTOCOL.name()));
		}
		logger.debug("Connection {} opened from {}", session.getId(), session.getRemoteAddress());
	}

	private void scheduleExpiry(WebSocketSession session, ServerConnection connection) {
		Instant expiresAt = connection.principal().expiresAt();
		if (expiresAt == null) {
			return;
		}
		long delay = Math.max(0, Duration.between(this.authenticator.clock().instant(), expiresAt).toMillis());
		try {
			session.getAttributes().put(EXPIRY, this.context.executors().timer().schedule(connection::tokenExpired,
					delay, TimeUnit.MILLISECONDS));
		}
		catch (RuntimeException ex) {
			connection.tokenExpired();
		}
	}

	@Override
	public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) {
		ServerConnection connection = connection(session);
		if (connection == null) {
			return;
		}
		if (message instanceof TextMessage text) {
			connection.onText(text.getPayload(), text.isLast());
		}
		else if (message instanceof BinaryMessage) {
			connection.onBinary();
		}
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
		logger.debug("Transport error on connection {}: {}", session.getId(), exception.toString());
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) {
		if (session.getAttributes().get(EXPIRY) instanceof ScheduledFuture<?> expiry) {
			expiry.cancel(false);
		}
		ServerConnection connection = connection(session);
		if (connection != null) {
			connection.closed();
		}
		logger.debug("Connection {} closed: {}", session.getId(), closeStatus);
	}

	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

	private static @Nullable ServerConnection connection(WebSocketSession session) {
		return (ServerConnection) session.getAttributes().get(CONNECTION);
	}

	private void checkSends() {
		long now = System.nanoTime();
		for (ServerConnection connection : this.connections.values()) {
			if (connection.isSendOverdue(now)) {
				connection.closeSlowConsumer("a send stayed unread for more than " + this.context.settings().sendTimeout());
			}
		}
	}

	private void removed(String id) {
		synchronized (this.connections) {
			this.connections.remove(id);
			this.connections.notifyAll();
		}
	}

	/** The number of open connections. */
	public int connectionCount() {
		return this.connections.size();
	}

	/**
	 * Refuses new connections and closes every open one with 1001 after an error saying the server
	 * shuts down; waits up to {@code timeout} for them to close.
	 */
	public void shutdown(Duration timeout) {
		this.shuttingDown = true;
		for (ServerConnection connection : new ArrayList<>(this.connections.values())) {
			connection.closeWithError(new SyncMessage.Error(0, ErrorCode.SERVER_SHUTTING_DOWN, "the server is shutting down"),
					CloseStatus.GOING_AWAY);
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.connections) {
			long left;
			while (!this.connections.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
				try {
					TimeUnit.NANOSECONDS.timedWait(this.connections, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		this.watchdog.cancel(false);
	}

}
