package io.syncboot.server.internal.transport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.HybridLogicalClock;
import io.syncboot.core.model.Operation;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.protocol.SyncProtocol;
import io.syncboot.server.SyncPermissions;
import io.syncboot.server.internal.auth.SyncPrincipal;
import io.syncboot.server.internal.concurrent.SerialQueue;
import io.syncboot.server.internal.session.ServerContext;
import io.syncboot.server.internal.session.ServerSession;
import io.syncboot.server.internal.session.SessionOwner;
import io.syncboot.server.store.DivergedUploadException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * One WebSocket connection: assembles inbound fragments (container thread), decodes and dispatches
 * each message on the connection's {@link SerialQueue} (worker threads, one message at a time), owns
 * the sessions bound on it and its {@link Outbound} queue. Faults are answered per
 * {@code docs/protocol.md}: a session-level error releases that session; a connection-level one
 * sends {@code error{session:0}} and closes the connection. No exception escapes.
 */
final class ServerConnection implements SessionOwner {

	/** How many bytes the server's encoding of an upload's operations may take per character received. */
	private static final int MAX_ENCODING_GROWTH = 6;

	private static final Logger logger = LoggerFactory.getLogger(ServerConnection.class);

	private static final int MAX_RETAINED_BUFFER = 64 * 1024;

	/** Error messages of a connection's client logged at info level; later ones are logged at debug level. */
	private static final int MAX_ERRORS_LOGGED = 10;

	/** Characters of a client's error message logged, at most. */
	private static final int MAX_LOGGED_CHARS = 200;

	private final WebSocketSession webSocket;

	private final ServerContext context;

	private final SerialQueue serial;

	private final Outbound outbound;

	private final Runnable onClosed;

	private final SyncPrincipal principal;

	private final AtomicBoolean closing = new AtomicBoolean();

	private final InboundGate inbound;

	private final Map<Long, ServerSession> sessions = new HashMap<>(); // serial queue only

	private final Set<Long> released = new HashSet<>(); // serial queue only; ids released until the client's unbind

	private final Set<ServerSession> blocked = new LinkedHashSet<>(); // serial queue only

	private StringBuilder fragments = new StringBuilder(); // container thread only

	private long fragmentBytes; // container thread only

	private boolean oversized; // container thread only: the rest of the input is ignored

	private volatile boolean closed;

	private final PendingUploads pendingUploads = new PendingUploads();

	private int errorsReported; // serial queue only: error messages the client sent

	/** Stops and restarts reading the socket; null on a container that cannot (the reader then waits). */
	private final @Nullable SocketReading reading;

	private final Object readingLock = new Object();

	private boolean readingSuspended; // guarded by readingLock

	ServerConnection(WebSocketSession webSocket, ServerContext context, SyncPrincipal principal, Runnable onClosed) {
		this.webSocket = webSocket;
		this.context = context;
		this.principal = principal;
		this.onClosed = onClosed;
		this.serial = new SerialQueue(context.executors().workers());
		this.inbound = new InboundGate(context.settings().inboundLimitBytes());
		this.outbound = new Outbound(webSocket, context.executors().workers(), context.settings().outboundLimitBytes(),
				context.settings().outboundHardLimitBytes(), () -> this.serial.execute(this::unblock),
				this::sendFailed);
		jakarta.websocket.Session nativeSession = this.outbound.nativeSession();
		this.reading = SocketReading.of(nativeSession);
		if (nativeSession != null) {
			long timeoutMillis = context.settings().sendTimeout().toMillis();
			nativeSession.getUserProperties().put("org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT",
					Math.min(timeoutMillis, 5_000L));
			nativeSession.getAsyncRemote().setSendTimeout(2 * timeoutMillis);
		}
	}

	String id() {
		return this.webSocket.getId();
	}

	// ---------------------------------------------------------------- inbound (container thread)

	void onText(String payload, boolean last) {
		if (this.closed || this.closing.get() || this.oversized) {
			return;
		}
		int bytes = MessageCodec.utf8Length(payload);
		if (this.fragmentBytes + bytes > this.context.settings().maxMessageBytes()) {
			this.oversized = true;
			this.fragments = new StringBuilder();
			this.fragmentBytes = 0;
			this.serial.execute(() -> fail(new ProtocolException(ErrorCode.MESSAGE_TOO_BIG, "message exceeds the limit of "
					+ this.context.settings().maxMessageBytes() + " bytes")));
			return;
		}
		String text;
		if (last && this.fragments.length() == 0) {
			text = payload;
		}
		else {
			this.fragments.append(payload);
			this.fragmentBytes += bytes;
			if (!last) {
				return;
			}
			text = this.fragments.toString();
			this.fragments = (this.fragments.capacity() > MAX_RETAINED_BUFFER) ? new StringBuilder() : this.fragments;
			this.fragments.setLength(0);
			this.fragmentBytes = 0;
		}
		long size = text.length();
		this.inbound.add(size);
		this.serial.submit(() -> {
			this.inbound.remove(size);
			resumeReadingBelowLimit();
			return process(text);
		});
		if (this.inbound.isOverLimit()) {
			if (this.reading != null) {
				suspendReadingOverLimit(this.reading);
			}
			else {
				this.inbound.awaitBelowLimit(() -> this.closed);
			}
		}
	}

	/**
	 * Stops reading the socket while the backlog is over the limit (Tomcat stops once this message is
	 * handled), instead of holding the container thread: with a few hundred clients sending faster
	 * than the server integrates, waiting threads would leave none to read anyone else. Every message
	 * the serial queue takes calls {@link #resumeReadingBelowLimit()}, and both decide under one
	 * lock, so a resume is never missed and never comes without its suspend. Reading resumes at half
	 * the limit, so a client that keeps flooding is not suspended and resumed for every message.
	 */
	private void suspendReadingOverLimit(SocketReading reading) {
		synchronized (this.readingLock) {
			if (!this.readingSuspended && !this.closed && this.inbound.isOverLimit()) {
				reading.suspend();
				this.readingSuspended = true;
				logger.debug("Connection {} is over its inbound limit: reading suspended", id());
			}
		}
	}

	/** Reads the socket again once the backlog is down to half the limit (Tomcat dispatches the read). */
	private void resumeReadingBelowLimit() {
		SocketReading reading = this.reading;
		if (reading == null) {
			return;
		}
		synchronized (this.readingLock) {
			if (this.readingSuspended && this.inbound.isAtMostHalfTheLimit()) {
				this.readingSuspended = false;
				reading.resume();
			}
		}
	}

	/** Reads again a suspended socket the server closes, so that the client's close frame is read. */
	private void resumeReadingToClose() {
		SocketReading reading = this.reading;
		if (reading == null) {
			return;
		}
		synchronized (this.readingLock) {
			if (this.readingSuspended) {
				this.readingSuspended = false;
				reading.resume();
			}
		}
	}

	void onBinary() {
		this.serial.execute(() -> fail(new ProtocolException(ErrorCode.MALFORMED_MESSAGE,
				"binary messages are not part of the protocol")));
	}

	// ---------------------------------------------------------------- dispatch (serial queue)

	private CompletionStage<?> process(String text) {
		if (this.closed || this.closing.get()) {
			return CompletableFuture.completedFuture(null);
		}
		long sessionId = 0;
		try {
			SyncMessage message = this.context.codec().decode(text);
			sessionId = message.sessionId();
			if (message instanceof SyncMessage.Upload upload) {
				checkDownloadable(upload, text.length());
				checkTimestamps(upload, System.currentTimeMillis());
				ServerSession session = session(upload.session());
				if (session != null && session.pipelinesUploads()) {
					return pipelineUpload(session, upload);
				}
			}
			if (!this.pendingUploads.done().isDone() && !(message instanceof SyncMessage.Ping)) {
				// every other message keeps its order after the uploads received before it
				long id = sessionId;
				return this.pendingUploads.done()
					.thenComposeAsync(ignored -> dispatchAndHandle(id, message), this.context.executors().workers());
			}
			return dispatchAndHandle(sessionId, message);
		}
		catch (RuntimeException ex) {
			fail(sessionId, ex);
			return CompletableFuture.completedFuture(null);
		}
	}

	/**
	 * Refuses an upload holding a changeset whose operations, encoded as the server stores and sends
	 * them, would not fit in a download ({@link SyncProtocol#ENVELOPE_BYTES} less than a message):
	 * integrated, it would make every download of the partition's history too big for its readers.
	 * SyncBoot's client never sends one (it checks the same encoding); another writer could, by
	 * spelling numbers short ({@code 1e6} is stored as {@code 1000000.0}, and on Java 17
	 * {@code 2e23} as {@code 1.9999999999999998E23}) or by filling a message to the limit. The
	 * encoding takes at most {@value #MAX_ENCODING_GROWTH} bytes for each character received (a
	 * number's text is at most 24 characters, its shortest spelling that leaves no room for a shorter
	 * form at least four, and a string's UTF-8 bytes never grow), so only messages longer than that
	 * share of the bound are encoded to be checked: not the batches of about 256 KiB a client sends.
	 */
	private void checkDownloadable(SyncMessage.Upload upload, int receivedChars) {
		long bound = (long) this.context.settings().maxMessageBytes() - SyncProtocol.ENVELOPE_BYTES;
		if ((long) MAX_ENCODING_GROWTH * receivedChars <= bound) {
			return;
		}
		for (Changeset changeset : upload.changesets()) {
			long size = MessageCodec.utf8Length(this.context.codec().encodeOperations(changeset.operations()));
			if (size > bound) {
				throw new ProtocolException(ErrorCode.MESSAGE_TOO_BIG, "changeset " + changeset.clientVersion()
						+ " takes " + size + " bytes as the server stores it, more than a download can carry ("
						+ bound + ")");
			}
		}
	}

	/**
	 * Refuses an upload holding an operation stamped more than
	 * {@link SyncProtocol#MAX_CLOCK_AHEAD_MILLIS} ahead of this server's clock, as malformed: no
	 * writer's clock is that far off, and integrated, the stamp would drag the clock of every client
	 * that downloads it along (up to its largest value, after which it can issue none).
	 */
	private static void checkTimestamps(SyncMessage.Upload upload, long nowMillis) {
		long limit = nowMillis + SyncProtocol.MAX_CLOCK_AHEAD_MILLIS;
		for (Changeset changeset : upload.changesets()) {
			for (Operation operation : changeset.operations()) {
				long millis = HybridLogicalClock.millis(operation.timestamp());
				if (millis > limit) {
					throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "changeset " + changeset.clientVersion()
							+ " writes " + operation.collection() + "/" + operation.id() + " with a timestamp "
							+ (millis - nowMillis) + " ms ahead of the server's clock (at most "
							+ SyncProtocol.MAX_CLOCK_AHEAD_MILLIS + " ms are allowed): the writer's clock is wrong");
				}
			}
		}
	}

	private CompletionStage<?> dispatchAndHandle(long sessionId, SyncMessage message) {
		if (this.closed || this.closing.get()) {
			return CompletableFuture.completedFuture(null);
		}
		try {
			return dispatch(message).handleAsync((result, ex) -> {
				if (ex != null) {
					fail(sessionId, unwrap(ex));
				}
				return null;
			}, this.context.executors().workers());
		}
		catch (RuntimeException ex) {
			fail(sessionId, ex);
			return CompletableFuture.completedFuture(null);
		}
	}

	/**
	 * Queues an upload of a writable session and goes on with the next message without waiting for
	 * it to be durable (the session's uploads integrate in order; its acknowledgement follows in a
	 * download). A failure is answered on the serial queue.
	 */
	private CompletionStage<?> pipelineUpload(ServerSession session, SyncMessage.Upload upload) {
		// with no further input waiting there is nothing to decode meanwhile: integrate it here if the
		// store is idle rather than wake the writer thread
		boolean lone = this.inbound.isEmpty();
		return this.pendingUploads.add(session.upload(upload, lone), ex -> this.serial.execute(() -> {
			// the later uploads of a session that failed fail too: answer the first one only
			if (this.sessions.get(upload.session()) == session) {
				fail(upload.session(), unwrap(ex));
			}
		}));
	}

	private CompletionStage<?> dispatch(SyncMessage message) {
		if (message instanceof SyncMessage.Bind bind) {
			return bind(bind);
		}
		if (message instanceof SyncMessage.Ident ident) {
			ServerSession session = session(ident.session());
			if (session != null) {
				session.ident(ident);
			}
		}
		else if (message instanceof SyncMessage.Upload upload) {
			ServerSession session = session(upload.session());
			if (session != null) {
				return session.upload(upload);
			}
		}
		else if (message instanceof SyncMessage.Mark mark) {
			ServerSession session = session(mark.session());
			if (session != null) {
				session.mark(mark);
			}
		}
		else if (message instanceof SyncMessage.Unbind unbind) {
			ServerSession session = session(unbind.session());
			if (session != null || this.released.contains(unbind.session())) {
				release(unbind.session());
				send(new SyncMessage.Unbind(unbind.session()));
				// the client sends nothing for a session after its unbind: the id need not be remembered
				this.released.remove(unbind.session());
			}
		}
		else if (message instanceof SyncMessage.Ping ping) {
			send(new SyncMessage.Pong(ping.timestamp()));
		}
		else if (message instanceof SyncMessage.Error error) {
			// the peer's text, cut and escaped: a client may not write lines of its own into the log
			// or fill it (after the first few, a connection's reports are logged at debug level)
			if (++this.errorsReported <= MAX_ERRORS_LOGGED && logger.isInfoEnabled()) {
				logger.info("Connection {} reported error {} on session {}: {}", id(), error.code(), error.session(),
						loggable(error.message()));
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Connection {} reported error {} on session {}: {}", id(), error.code(), error.session(),
						loggable(error.message()));
			}
		}
		else {
			throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE,
					"a client may not send " + message.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
		}
		return CompletableFuture.completedFuture(null);
	}

	private CompletionStage<?> bind(SyncMessage.Bind bind) {
		if (this.sessions.containsKey(bind.session())) {
			throw new ProtocolException(ErrorCode.SESSION_ALREADY_BOUND, "session " + bind.session() + " is already bound");
		}
		// ids the server released (a refused bind, a session-level error) count until the client's
		// unbind: a client that never unbinds them would otherwise grow this set without bound
		int held = this.sessions.size() + this.released.size() - (this.released.contains(bind.session()) ? 1 : 0);
		if (held >= this.context.settings().maxSessionsPerConnection()) {
			throw new ProtocolException(ErrorCode.TOO_MANY_SESSIONS, "a connection may bind at most "
					+ this.context.settings().maxSessionsPerConnection()
					+ " sessions (those ended by an error count until the client unbinds them)");
		}
		SyncPermissions.Access access = this.context.permissions()
			.access(this.principal.subject(), this.principal.claims(), bind.partition());
		if (access == null || !access.canRead()) {
			throw new ProtocolException(ErrorCode.PERMISSION_DENIED, "user '" + this.principal.name()
					+ "' may not read partition '" + bind.partition() + "'");
		}
		this.released.remove(bind.session());
		ServerSession session = new ServerSession(bind.session(), bind.partition(), access.canWrite(),
				this.principal.name(), this, this.context);
		this.sessions.put(bind.session(), session);
		return session.bind(bind.needClientFileId());
	}

	/** The session, or null for a session released earlier (messages still in flight are ignored). */
	private @Nullable ServerSession session(long id) {
		ServerSession session = this.sessions.get(id);
		if (session == null && !this.released.contains(id)) {
			throw new ProtocolException(ErrorCode.UNKNOWN_SESSION, "session " + id + " is not bound");
		}
		return session;
	}

	private void release(long id) {
		ServerSession session = this.sessions.remove(id);
		if (session != null) {
			session.release();
			this.blocked.remove(session);
		}
		this.released.add(id);
	}

	private static Throwable unwrap(Throwable ex) {
		return (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
	}

	private void fail(Throwable ex) {
		fail(0, ex);
	}

	private void fail(long sessionId, Throwable ex) {
		if (this.closed) {
			return;
		}
		if (ex instanceof ProtocolException pe) {
			if (sessionId > 0 && !pe.code().isConnectionLevel()) {
				logger.debug("Session {} on connection {} failed: {} {}", sessionId, id(), pe.code(), pe.getMessage());
				ServerSession session = this.sessions.get(sessionId);
				if (pe instanceof DivergedUploadException diverged && session != null) {
					// what the upload held as the server has it is acknowledged first: the client's reset then
					// does not commit it again with fresh stamps (pipelined uploads fail on the serial queue)
					session.acknowledgeBeforeFailure(diverged.verifiedClientVersion());
				}
				release(sessionId);
				send(new SyncMessage.Error(sessionId, pe.code(), pe.getMessage()));
				return;
			}
			logger.debug("Connection {} broke the protocol: {} {}", id(), pe.code(), pe.getMessage());
			closeWithError(new SyncMessage.Error(0, pe.code(), pe.getMessage()),
					new CloseStatus(SyncProtocol.CLOSE_PROTOCOL_ERROR, pe.code().name()));
			return;
		}
		if (isTransientStoreFailure(ex)) {
			// a lock wait that timed out, a database that is unreachable for now: nothing of the work
			// was kept, the client resends after its backoff; one line, not a stack trace per client
			logger.warn("Connection {} closed: the history store failed for now ({}); its client retries after its "
					+ "backoff", id(), ex.getMessage());
			closeWithError(new SyncMessage.Error(0, ErrorCode.INTERNAL_ERROR, "the server's store is unavailable for "
					+ "now", true, 0, List.of()), CloseStatus.SERVER_ERROR);
			return;
		}
		logger.error("Internal error on connection {}", id(), ex);
		closeWithError(new SyncMessage.Error(0, ErrorCode.INTERNAL_ERROR, "internal server error"),
				CloseStatus.SERVER_ERROR);
	}

	/** A failure of the store that may pass by itself: Spring's transient or resource-failure kinds. */
	static boolean isTransientStoreFailure(Throwable ex) {
		return ex instanceof TransientDataAccessException || ex instanceof DataAccessResourceFailureException
				|| ex instanceof RecoverableDataAccessException;
	}

	// ---------------------------------------------------------------- outbound and pumps

	@Override
	public void send(SyncMessage message) {
		if (this.closed) {
			return;
		}
		if (!this.outbound.offer(this.context.codec().encode(message))) {
			closeSlowConsumer("the outbound queue exceeds its limit");
		}
	}

	@Override
	public boolean canSendMore() {
		return this.outbound.belowLimit();
	}

	@Override
	public void requestPump(ServerSession session) {
		this.serial.execute(() -> {
			session.pumpStarting();
			pump(session);
		});
	}

	private void pump(ServerSession session) {
		if (this.closed || this.closing.get() || this.sessions.get(session.id()) != session) {
			return;
		}
		if (!this.outbound.belowLimit()) {
			this.blocked.add(session);
			return;
		}
		try {
			if (session.pump()) {
				if (this.outbound.belowLimit()) {
					session.requestPump();
				}
				else {
					this.blocked.add(session);
				}
			}
		}
		catch (ProtocolException ex) {
			fail(session.id(), ex);
		}
		catch (RuntimeException ex) {
			fail(0, ex);
		}
	}

	private void unblock() {
		List<ServerSession> waiting = new ArrayList<>(this.blocked);
		this.blocked.clear();
		waiting.forEach(ServerSession::requestPump);
	}

	// ---------------------------------------------------------------- closing

	/** The principal of the connection's token. */
	SyncPrincipal principal() {
		return this.principal;
	}

	/**
	 * The token expired: {@code error{session:0, code:230}}, then close code 4001, so the client
	 * refreshes its token and reconnects. Any thread.
	 */
	void tokenExpired() {
		logger.debug("The token of connection {} ({}) expired", id(), this.principal.name());
		closeWithError(new SyncMessage.Error(0, ErrorCode.TOKEN_EXPIRED, "the access token expired: refresh it and reconnect"),
				new CloseStatus(SyncProtocol.CLOSE_TOKEN_EXPIRED, ErrorCode.TOKEN_EXPIRED.name()));
	}

	boolean isSendOverdue(long nowNanos) {
		return this.outbound.isSendOverdue(nowNanos, this.context.settings().sendTimeout().toNanos());
	}

	void closeSlowConsumer(String reason) {
		if (this.closing.compareAndSet(false, true)) {
			logger.warn("Closing connection {} as a slow consumer: {}", id(), reason);
			this.outbound.abort();
			closeSocket(new CloseStatus(SyncProtocol.CLOSE_SLOW_CONSUMER, ErrorCode.SLOW_CONSUMER.name()));
		}
	}

	/** Sends an error, then closes once it is sent (or after the send timeout). Any thread. */
	void closeWithError(SyncMessage.Error error, CloseStatus status) {
		if (this.closed || !this.closing.compareAndSet(false, true)) {
			return;
		}
		this.outbound.offer(this.context.codec().encode(error));
		this.outbound.whenEmpty(() -> closeSocket(status));
		try {
			this.context.executors().timer().schedule(() -> closeSocket(status),
					this.context.settings().sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RuntimeException ex) {
			closeSocket(status);
		}
	}

	private void sendFailed(Throwable ex) {
		logger.debug("Send on connection {} failed: {}", id(), ex.toString());
		this.closing.set(true);
		closeSocket(CloseStatus.SESSION_NOT_RELIABLE);
	}

	private void closeSocket(CloseStatus status) {
		if (this.closed) {
			return;
		}
		try {
			this.context.executors().workers().execute(() -> closeNow(status));
		}
		catch (RuntimeException ex) {
			closeNow(status);
		}
	}

	private void closeNow(CloseStatus status) {
		try {
			if (this.webSocket.isOpen()) {
				this.webSocket.close(status);
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Closing connection {} failed: {}", id(), ex.toString());
		}
		try {
			resumeReadingToClose();
		}
		catch (RuntimeException ex) {
			logger.debug("Reading connection {} again to close it failed: {}", id(), ex.toString());
		}
	}

	/** The container reports the connection closed: release every session. Container thread. */
	void closed() {
		this.closed = true;
		this.closing.set(true);
		this.outbound.abort();
		this.inbound.release();
		this.serial.execute(() -> {
			for (Long sessionId : new ArrayList<>(this.sessions.keySet())) {
				release(sessionId);
			}
			this.blocked.clear();
		});
		this.onClosed.run();
	}

	/**
	 * A peer's text fit for one log line: at most {@link #MAX_LOGGED_CHARS} characters, each control
	 * character (a line break, an escape sequence's start) written as a backslash, {@code u} and its
	 * four hex digits.
	 */
	static String loggable(String text) {
		int length = Math.min(text.length(), MAX_LOGGED_CHARS);
		StringBuilder logged = new StringBuilder(length + 16);
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
				logged.append(String.format("\\u%04x", (int) c));
			}
			else {
				logged.append(c);
			}
		}
		if (text.length() > length) {
			logged.append("... (").append(text.length()).append(" characters)");
		}
		return logged.toString();
	}

}
