package io.syncboot.client.internal.connection;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.syncboot.client.ConnectionState;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.internal.concurrent.Cancellable;
import io.syncboot.client.internal.concurrent.EventLoop;
import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolAction;
import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.protocol.SyncProtocol;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;

/**
 * One WebSocket to the server and the sessions multiplexed on it, each bound under its own session
 * id. Opens when a session attaches, reconnects with backoff after failures while sessions are
 * attached, pings to detect dead sockets, and closes after lingering once the last session left.
 * Loop thread only: every method, and every transport event (posted), runs on the event loop.
 */
public final class Connection {

	private static final Logger logger = LoggerFactory.getLogger(Connection.class);

	private final String key;

	private final EventLoop loop;

	private final SyncClientSettings settings;

	private final MessageCodec codec;

	private final WebSocketTransport transport;

	private final Supplier<Optional<String>> tokens;

	private final LongSupplier sessionIds;

	private final Runnable onIdle;

	private final Backoff backoff;

	private final Keepalive keepalive;

	private final Set<ConnectionSession> attached = new LinkedHashSet<>(); // loop thread only

	private final Map<Long, ConnectionSession> bound = new HashMap<>(); // loop thread only

	private ConnectionState state = ConnectionState.DISCONNECTED; // loop thread only

	private @Nullable SocketHandle handle; // loop thread only

	private final Set<ConnectionSession> pausing = new HashSet<>(); // loop thread only: sessions with a full backlog

	private boolean readingPaused; // loop thread only: the current socket is not read

	private int generation; // loop thread only

	private boolean healthy; // loop thread only: a message arrived on the current socket

	private Cancellable reconnectTimer = Cancellable.NONE; // loop thread only

	private Cancellable connectTimer = Cancellable.NONE; // loop thread only

	private Cancellable lingerTimer = Cancellable.NONE; // loop thread only

	private boolean disposed; // loop thread only

	private int authFailures; // loop thread only: handshakes refused with 401 since the last open

	private int failedAttempts; // loop thread only: connection attempts failed since the last open

	private static final int CLOSE_POLICY_VIOLATION = 1008;

	public Connection(String key, EventLoop loop, SyncClientSettings settings, MessageCodec codec,
			WebSocketTransport transport, Supplier<Optional<String>> tokens, LongSupplier sessionIds, Backoff backoff,
			Runnable onIdle) {
		this.key = key;
		this.loop = loop;
		this.settings = settings;
		this.codec = codec;
		this.transport = transport;
		this.tokens = tokens;
		this.sessionIds = sessionIds;
		this.backoff = backoff;
		this.onIdle = onIdle;
		this.keepalive = new Keepalive(loop, settings.pingInterval(), settings.pongTimeout(), this::send,
				() -> lost(new ConnectionLostException("no pong within " + settings.pongTimeout(), 0, null)));
	}

	/** The key of this connection in its pool. */
	public String key() {
		return this.key;
	}

	/** What the socket does. */
	public ConnectionState state() {
		return this.state;
	}

	/** Adds a session; it is told at once about a connection in progress or open. */
	public void attach(ConnectionSession session) {
		this.loop.assertInLoop();
		if (this.disposed) {
			throw new IllegalStateException("connection " + this.key + " is disposed");
		}
		this.lingerTimer.cancel();
		this.attached.add(session);
		if (this.state == ConnectionState.CONNECTED) {
			session.onConnecting();
			session.onConnected();
		}
		else if (this.state == ConnectionState.CONNECTING) {
			session.onConnecting();
		}
		else if (this.handle == null && !isWaitingToReconnect()) {
			connect();
		}
	}

	/**
	 * Stops reading from the socket while {@code session} has more received downloads than it wants
	 * to hold (its backlog), until it calls {@link #resumeReading}; every session on the socket
	 * waits meanwhile, and so does the ping/pong watchdog (it pings again after resuming). A session
	 * that detaches resumes.
	 */
	public void pauseReading(ConnectionSession session) {
		this.loop.assertInLoop();
		if (this.attached.contains(session) && this.pausing.add(session)) {
			updateReading();
		}
	}

	/** Ends {@link #pauseReading} for {@code session}. */
	public void resumeReading(ConnectionSession session) {
		this.loop.assertInLoop();
		if (this.pausing.remove(session)) {
			updateReading();
		}
	}

	/** Whether the current socket is not read now because a session's backlog is full (loop thread). */
	public boolean isReadingPaused() {
		this.loop.assertInLoop();
		return this.readingPaused;
	}

	private void updateReading() {
		SocketHandle current = this.handle;
		boolean pause = !this.pausing.isEmpty();
		if (current == null || this.state != ConnectionState.CONNECTED || pause == this.readingPaused) {
			return;
		}
		this.readingPaused = pause;
		if (pause) {
			// no pong can be read meanwhile: the watchdog waits too, or a backlog that takes longer than
			// the pong timeout to apply would close a healthy connection (and its replacement, paused again)
			this.keepalive.stop();
			current.pauseReading();
		}
		else {
			current.resumeReading();
			this.keepalive.start();
		}
	}

	/** Removes a session, unbinding it if bound; the socket lingers, then closes, once no session is left. */
	public void detach(ConnectionSession session) {
		this.loop.assertInLoop();
		if (!this.attached.remove(session)) {
			return;
		}
		resumeReading(session);
		this.bound.entrySet().removeIf(entry -> {
			if (entry.getValue() == session) {
				if (this.state == ConnectionState.CONNECTED) {
					send(new SyncMessage.Unbind(entry.getKey()));
				}
				return true;
			}
			return false;
		});
		if (this.attached.isEmpty()) {
			this.reconnectTimer.cancel();
			this.reconnectTimer = Cancellable.NONE;
			if (this.state == ConnectionState.DISCONNECTED || this.settings.connectionLinger().isZero()
					|| !this.settings.multiplex()) {
				dispose();
			}
			else {
				this.lingerTimer = this.loop.schedule(this.settings.connectionLinger(), () -> {
					if (this.attached.isEmpty()) {
						dispose();
					}
				});
			}
		}
	}

	/** Binds a session: allocates its session id on this connection and sends the bind. */
	public long bind(ConnectionSession session, String partition, boolean needClientFileId) {
		this.loop.assertInLoop();
		if (this.state != ConnectionState.CONNECTED || !this.attached.contains(session)) {
			throw new IllegalStateException("cannot bind on connection " + this.key + " in state " + this.state);
		}
		long sessionId = this.sessionIds.getAsLong();
		this.bound.put(sessionId, session);
		send(new SyncMessage.Bind(sessionId, partition, needClientFileId));
		return sessionId;
	}

	/** Sends a message if connected; dropped otherwise (the session resends after the next bind). */
	public void send(SyncMessage message) {
		this.loop.assertInLoop();
		SocketHandle current = this.handle;
		if (current != null && this.state == ConnectionState.CONNECTED) {
			current.send(this.codec.encode(message));
		}
	}

	/** Drops the backoff delay: connects now if waiting to reconnect. */
	public void reconnectNow() {
		this.loop.assertInLoop();
		this.backoff.reset();
		if (isWaitingToReconnect()) {
			this.reconnectTimer.cancel();
			this.reconnectTimer = Cancellable.NONE;
			connect();
		}
	}

	/** Closes the socket transiently (the sessions reconnect after backoff), for example when the token expired. */
	public void restart(String why) {
		this.loop.assertInLoop();
		if (this.handle != null) {
			lost(new ConnectionLostException(why, 0, null));
		}
	}

	/** Closes the socket for good and forgets every session (the manager is closing). */
	public void dispose() {
		this.loop.assertInLoop();
		if (this.disposed) {
			return;
		}
		this.disposed = true;
		this.lingerTimer.cancel();
		this.reconnectTimer.cancel();
		this.connectTimer.cancel();
		this.keepalive.stop();
		this.generation++;
		SocketHandle current = this.handle;
		this.handle = null;
		if (current != null) {
			current.close(CloseStatus.NORMAL);
		}
		this.state = ConnectionState.DISCONNECTED;
		List<ConnectionSession> sessions = new ArrayList<>(this.attached);
		this.attached.clear();
		this.bound.clear();
		sessions.forEach(session -> session.onDisconnected(null));
		this.onIdle.run();
	}

	private boolean isWaitingToReconnect() {
		return this.reconnectTimer != Cancellable.NONE;
	}

	private void connect() {
		this.reconnectTimer = Cancellable.NONE;
		if (this.disposed || this.attached.isEmpty()) {
			return;
		}
		this.state = ConnectionState.CONNECTING;
		this.healthy = false;
		this.readingPaused = false;
		int current = ++this.generation;
		List.copyOf(this.attached).forEach(ConnectionSession::onConnecting);
		URI uri = this.settings.serverUrl();
		logger.debug("Connecting {} to {}", this.key, uri);
		try {
			this.handle = this.transport.connect(uri, this.tokens, new Events(current));
		}
		catch (RuntimeException ex) {
			lost(new ConnectionLostException("cannot start connecting: " + ex.getMessage(), 0, ex));
			return;
		}
		this.connectTimer = this.loop.schedule(this.settings.connectTimeout(), () -> {
			if (current == this.generation && this.state == ConnectionState.CONNECTING) {
				lost(new ConnectionLostException("connect timeout after " + this.settings.connectTimeout(), 0, null));
			}
		});
	}

	private void opened() {
		this.connectTimer.cancel();
		this.state = ConnectionState.CONNECTED;
		this.authFailures = 0;
		if (this.failedAttempts > 0) {
			logger.info("Connected {} to {} after {} failed attempt(s)", this.key, this.settings.serverUrl(),
					this.failedAttempts);
			this.failedAttempts = 0;
		}
		else {
			logger.debug("Connected {}", this.key);
		}
		this.keepalive.start();
		updateReading();
		List.copyOf(this.attached).forEach(ConnectionSession::onConnected);
	}

	private void received(SyncMessage message) {
		if (!this.healthy && !(message instanceof SyncMessage.Error)) {
			this.healthy = true;
			this.backoff.reset();
		}
		if (message instanceof SyncMessage.Pong pong) {
			this.keepalive.onPong(pong.timestamp());
			return;
		}
		if (message instanceof SyncMessage.Ping) {
			return;
		}
		if (message instanceof SyncMessage.Error error && error.session() == 0) {
			connectionError(error);
			return;
		}
		long sessionId = message.sessionId();
		ConnectionSession session = this.bound.get(sessionId);
		if (session == null) {
			logger.debug("Ignoring {} for unbound session {}", message.getClass().getSimpleName(), sessionId);
			return;
		}
		if (message instanceof SyncMessage.Unbind) {
			this.bound.remove(sessionId);
		}
		session.onMessage(message);
	}

	private void connectionError(SyncMessage.Error error) {
		if (error.action() == ProtocolAction.REFRESH_TOKEN) {
			tokenExpired(error.code() + ": " + error.message());
			return;
		}
		if (error.code().isFatal()) {
			logger.warn("Fatal connection error from the server: {} {}", error.code(), error.message());
			failAll(error);
			return;
		}
		logger.debug("Transient connection error from the server: {} {}", error.code(), error.message());
		lost(new ConnectionLostException(error.code() + ": " + error.message(), 0, null), error.backoffMillis());
	}

	private void protocolError(ProtocolException error) {
		logger.warn("The server broke the protocol: {}", error.getMessage());
		SocketHandle current = this.handle;
		if (current != null) {
			current.close(new CloseStatus(SyncProtocol.CLOSE_PROTOCOL_ERROR, "protocol violation"));
		}
		failAll(new SyncMessage.Error(0, error.code(), "the server broke the protocol: " + error.getMessage()));
	}

	private void failAll(SyncMessage.Error error) {
		List<ConnectionSession> sessions = new ArrayList<>(this.attached);
		this.attached.clear();
		this.bound.clear();
		sessions.forEach(session -> session.onFatalError(error));
		lost(new ConnectionLostException(error.code() + ": " + error.message(), 0, null));
	}

	private void tokenExpired(String why) {
		logger.debug("The server refused the token of {}: {}", this.key, why);
		List<ConnectionSession> sessions = List.copyOf(this.attached);
		// the disconnect (with its error) first: a renewal that fails at once ends the sessions
		// from the auth thread, and their disconnect would then carry no error
		lost(new ConnectionLostException("the server refused the access token: " + why, 0, null), 0, false);
		sessions.forEach(ConnectionSession::onTokenExpired);
	}

	private void authRejected(AuthRejectedException rejected) {
		this.authFailures++;
		if (rejected.code() == ErrorCode.INVALID_TOKEN.number()
				|| (rejected.code() != ErrorCode.TOKEN_EXPIRED.number() && this.authFailures > 1)) {
			failAll(new SyncMessage.Error(0, ErrorCode.INVALID_TOKEN, "the server refused the token: " + rejected.getMessage()));
			return;
		}
		tokenExpired(rejected.getMessage());
	}

	private void closed(int code, String reason) {
		if (code == SyncProtocol.CLOSE_TOKEN_EXPIRED) {
			tokenExpired("connection closed with " + code + (reason.isEmpty() ? "" : " " + reason));
			return;
		}
		if (code == CLOSE_POLICY_VIOLATION && !this.attached.isEmpty()) {
			failAll(new SyncMessage.Error(0, ErrorCode.INVALID_TOKEN, "the server closed the connection for an invalid token"
					+ (reason.isEmpty() ? "" : ": " + reason)));
			return;
		}
		if (code == SyncProtocol.CLOSE_PROTOCOL_ERROR && !this.attached.isEmpty()) {
			failAll(new SyncMessage.Error(0, ErrorCode.MALFORMED_MESSAGE,
					"the server closed the connection for a protocol violation: " + reason));
			return;
		}
		lost(new ConnectionLostException("connection closed: " + code + (reason.isEmpty() ? "" : " " + reason), code,
				null));
	}

	private void lost(ConnectionLostException error) {
		lost(error, 0);
	}

	private void lost(ConnectionLostException error, long backoffHintMillis) {
		lost(error, backoffHintMillis, true);
	}

	/**
	 * @param countFailure whether a failed connection attempt counts towards the warning (a handshake
	 * refused for the token is routine: the token is renewed and the attempt made again)
	 */
	private void lost(ConnectionLostException error, long backoffHintMillis, boolean countFailure) {
		if (this.disposed) {
			return;
		}
		this.generation++;
		this.connectTimer.cancel();
		this.keepalive.stop();
		SocketHandle current = this.handle;
		this.handle = null;
		if (current != null) {
			current.close(CloseStatus.GOING_AWAY);
		}
		boolean wasUp = this.state != ConnectionState.DISCONNECTED;
		boolean attemptFailed = countFailure && this.state == ConnectionState.CONNECTING;
		this.state = ConnectionState.DISCONNECTED;
		this.bound.clear();
		if (wasUp) {
			logger.debug("Connection {} lost: {}", this.key, error.getMessage());
			List.copyOf(this.attached).forEach(session -> session.onDisconnected(error));
		}
		if (this.attached.isEmpty()) {
			dispose();
			return;
		}
		Duration delay = this.backoff.nextDelay();
		if (backoffHintMillis > 0) {
			delay = Duration.ofMillis(Math.max(delay.toMillis(), backoffHintMillis));
		}
		if (attemptFailed && ++this.failedAttempts == 1) {
			// a wrong URL, a server that is down or a proxy that refuses the upgrade: said once, then
			// at debug level until a connection opens (the sessions' connection listeners get each one)
			logger.warn("Cannot connect {} to {}: {}; retrying with backoff (next in {})", this.key,
					this.settings.serverUrl(), describe(error), delay);
		}
		logger.debug("Reconnecting {} in {}", this.key, delay);
		this.reconnectTimer = this.loop.schedule(delay, this::connect);
	}

	/** The error and its innermost cause, which says what went wrong (refused, not found, timed out). */
	private static String describe(Throwable error) {
		Throwable root = error;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root == error) ? String.valueOf(error.getMessage())
				: error.getMessage() + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
	}

	/** Transport events, posted to the loop and dropped if they belong to an older socket. */
	private final class Events implements TransportListener {

		private final int generation;

		Events(int generation) {
			this.generation = generation;
		}

		private void post(Runnable task) {
			Connection.this.loop.post(() -> {
				if (this.generation == Connection.this.generation && !Connection.this.disposed) {
					task.run();
				}
			});
		}

		@Override
		public void onOpen() {
			post(Connection.this::opened);
		}

		@Override
		public void onMessage(SyncMessage message) {
			post(() -> received(message));
		}

		@Override
		public void onProtocolError(ProtocolException error) {
			post(() -> protocolError(error));
		}

		@Override
		public void onFailure(Throwable error) {
			AuthRejectedException rejected = AuthRejectedException.find(error);
			if (rejected != null) {
				post(() -> authRejected(rejected));
				return;
			}
			post(() -> lost(new ConnectionLostException("connection failed: " + error.getMessage(), 0, error)));
		}

		@Override
		public void onClosed(int code, String reason) {
			post(() -> closed(code, reason));
		}

	}

}
