package io.syncboot.server;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.protocol.SyncProtocol;
import io.syncboot.server.internal.auth.ServerSecurity;
import io.syncboot.server.internal.concurrent.NamedThreadFactory;
import io.syncboot.server.internal.concurrent.ServerExecutors;
import io.syncboot.server.internal.session.Compensator;
import io.syncboot.server.internal.session.IntegrationBatcher;
import io.syncboot.server.internal.session.Partitions;
import io.syncboot.server.internal.session.ServerContext;
import io.syncboot.server.internal.session.ServerSettings;
import io.syncboot.server.internal.transport.SyncWebSocketHandler;
import io.syncboot.server.store.HistoryStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.HttpRequestHandler;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * The sync protocol engine without an HTTP server: a {@link HistoryStore}, the server's threads, a
 * Spring {@link WebSocketHandler} to register at the endpoint path of any Spring web application
 * ({@code engine.register(registry, "/sync")} in a {@code WebSocketConfigurer}, which adds the
 * authenticating {@link #handshakeInterceptor()}), and the API-key {@link #tokenEndpoint()} to map at
 * {@code /sync/auth/token}. {@link SyncServer} runs one inside an embedded Tomcat.
 *
 * <p><b>Authentication.</b> Connections authenticate with a JWT bearer token on the WebSocket
 * handshake ({@code Authorization: Bearer <jwt>}, or the {@code access_token} query parameter; at
 * most 8 KiB), verified by a Spring Security {@code JwtDecoder}: built from an HMAC secret (HS256),
 * an RSA public key (RS256) or a JWK set URI, each checking {@code exp}, {@code nbf} and, with an
 * issuer, {@code iss}; or given by the application. One of these is required unless anonymous
 * connections are allowed (development only, logged loudly); an HMAC secret may accompany an
 * application decoder (it then only signs API-key tokens, which the decoder must accept). A refused
 * handshake gets HTTP 401; a token that expires while connected ends the connection with
 * {@code error{session:0, code:230}} and close code 4001. API keys are exchanged for tokens signed
 * with the HMAC secret. {@link SyncPermissions} decide who reads and writes which partition; without
 * them every connection may read and write everything (a warning is logged).
 *
 * <p>Threads: a bounded pool of daemon workers ({@code syncboot-server-worker-n}) runs each
 * connection's messages one at a time; one writer ({@code syncboot-server-writer-1}) runs the store
 * writes; one timer ({@code syncboot-server-timer-1}) watches for stuck sends and expiring tokens
 * and schedules compaction; on PostgreSQL one listener ({@code syncboot-server-listener-1}) receives
 * the commits of other nodes.
 * The handler's container callbacks return quickly and never throw. Thread-safe. {@link #close()}
 * closes every connection with 1001, finishes the writes already accepted and closes the store (if
 * the engine owns it).
 */
public final class SyncServerEngine implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SyncServerEngine.class);

	private final HistoryStore store;

	private final boolean ownsStore;

	private final ServerExecutors executors;

	private final Partitions partitions;

	private final SyncWebSocketHandler handler;

	private final ServerSecurity security;

	private final AutoCloseable subscription;

	private final @Nullable Duration historyRetention;

	private boolean closed; // guarded by this

	private SyncServerEngine(Builder builder, HistoryStore store) {
		AuthSettings auth = builder.auth;
		this.security = ServerSecurity.create(auth.securitySettings(), Clock.systemUTC());
		SyncPermissions permissions = auth.permissions;
		if (permissions == null) {
			permissions = SyncPermissions.allowAll();
			if (auth.hasVerifier()) {
				logger.warn("No SyncBoot permissions are configured: every authenticated user may read and write "
						+ "every partition. Configure permissions(...) to restrict them.");
			}
		}
		if (auth.allowAnonymous) {
			logger.warn(ANONYMOUS_WARNING);
		}
		this.store = store;
		this.ownsStore = builder.ownsStore;
		this.executors = new ServerExecutors(builder.workerThreads);
		// clients' messages may carry only the fields the protocol defines: nothing is dropped silently
		MessageCodec codec = MessageCodec.rejectingUnknownFields(builder.maxMessageBytes);
		this.partitions = new Partitions(store, codec);
		ServerSettings settings = ServerSettings.of(builder.maxMessageBytes, builder.sendTimeout,
				SyncProtocol.DEFAULT_BATCH_BYTES);
		Compensator compensator = new Compensator();
		ServerContext context = new ServerContext(store, this.executors, this.partitions,
				new IntegrationBatcher(store, this.executors.writer(), this.partitions, compensator), settings, codec,
				permissions, compensator);
		this.handler = new SyncWebSocketHandler(context, this.security.authenticator());
		this.subscription = store.subscribe(new HistoryStore.CommitListener() {

			@Override
			public void committed(String partition, long latestVersion) {
				SyncServerEngine.this.partitions.observed(partition, latestVersion);
			}

			@Override
			public void catchUp() {
				SyncServerEngine.this.partitions.catchUp();
			}

		}, new NamedThreadFactory("listener"));
		this.historyRetention = builder.historyRetention;
		Duration retention = builder.historyRetention;
		if (retention != null) {
			long interval = builder.compactionInterval.toMillis();
			this.executors.timer().scheduleWithFixedDelay(() -> this.executors.workers().execute(this::compactNow),
					interval, interval, TimeUnit.MILLISECONDS);
		}
		logger.info("SyncBoot server authentication: {}; permissions: {}", this.security.description(), permissions);
	}

	/** A builder; {@link Builder#store} is required. */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The WebSocket handler to register at the endpoint path; the same instance every time. Register
	 * it together with {@link #handshakeInterceptor()} (or use {@link #register}) so refused
	 * handshakes get HTTP 401; without the interceptor the handler still authenticates every
	 * connection, but refuses in-band ({@code error{session:0}} 230 or 231, then close 4001 or 1008).
	 */
	public WebSocketHandler webSocketHandler() {
		return this.handler;
	}

	/**
	 * The interceptor that authenticates the WebSocket handshake: a missing, invalid or expired token
	 * gets HTTP 401 with {@code WWW-Authenticate: Bearer ...} and the header
	 * {@code SyncBoot-Error-Code} (230: expired, refresh; 231: invalid), and no WebSocket is opened.
	 */
	public HandshakeInterceptor handshakeInterceptor() {
		return this.security.interceptor();
	}

	/**
	 * The API-key exchange endpoint, to map at {@code <path>/auth/token}: {@code POST} with the header
	 * {@code X-Api-Key} or the body {@code {"apiKey":"..."}} answers
	 * {@code {"accessToken":"...","expiresIn":seconds,"tokenType":"Bearer"}}, or 401 for a wrong key
	 * (404 when no API keys are configured).
	 */
	public HttpRequestHandler tokenEndpoint() {
		return this.security.tokenEndpoint();
	}

	/**
	 * Exchanges an API key in this process, as {@link #tokenEndpoint()} does over HTTP: for an
	 * application that is its own sync server and logs its client in with one of the server's keys
	 * (before its web server listens, or while it cannot reach itself). Thread-safe, never blocks.
	 * @param apiKey the API key, not empty
	 * @return the access token, empty if the key is not one of this engine's API keys (or it has none)
	 * @throws IllegalArgumentException if the key is null or empty
	 */
	public Optional<String> exchangeApiKey(String apiKey) {
		if (apiKey == null || apiKey.isEmpty()) {
			throw new IllegalArgumentException("apiKey must not be null or empty");
		}
		return this.security.exchange(apiKey);
	}

	/**
	 * Registers the WebSocket handler with the {@link #handshakeInterceptor()} at a path, in a
	 * {@code WebSocketConfigurer}. The token endpoint is an HTTP handler: map {@link #tokenEndpoint()}
	 * at {@code path + "/auth/token"} separately.
	 */
	public void register(WebSocketHandlerRegistry registry, String path) {
		registry.addHandler(this.handler, path).addInterceptors(this.security.interceptor());
	}

	/** The history store. */
	public HistoryStore store() {
		return this.store;
	}

	/**
	 * Removes the history older than the {@linkplain Builder#historyRetention retention} now (the
	 * engine also does it every compaction interval). Clients whose cursor falls behind it get
	 * {@code CLIENT_FILE_EXPIRED} (222) and reset. Does nothing without a retention.
	 * @return the number of changesets removed
	 */
	public long compactNow() {
		Duration retention = this.historyRetention;
		if (retention == null) {
			return 0;
		}
		try {
			return this.store.compact(System.currentTimeMillis() - retention.toMillis());
		}
		catch (RuntimeException ex) {
			logger.warn("History compaction failed: {}", ex.toString());
			return 0;
		}
	}

	/** The number of open WebSocket connections. */
	public int connectionCount() {
		return this.handler.connectionCount();
	}

	/** The number of sessions bound (past their ident) on this node. */
	public int sessionCount() {
		return this.partitions.sessionCount();
	}

	/**
	 * The number of partitions with at least one session bound on this node (the partitions this node
	 * serves right now). Counted from memory on the calling thread, without the store; a partition
	 * served by several nodes of a shared store counts on each. For the partitions the store holds,
	 * see {@link HistoryStore#partitionCount()}.
	 */
	public int activePartitionCount() {
		return this.partitions.activePartitionCount();
	}

	/**
	 * Closes every connection with 1001, waits for the store writes already accepted, stops the
	 * threads and closes the store if the engine owns it. Idempotent; blocks up to about 35 s.
	 */
	@Override
	public void close() {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
		}
		try {
			this.subscription.close();
		}
		catch (Exception ex) {
			logger.warn("Failed to end the commit subscription", ex);
		}
		this.handler.shutdown(Duration.ofSeconds(5));
		this.executors.shutdown(Duration.ofSeconds(30));
		if (this.ownsStore) {
			this.store.close();
		}
		logger.info("SyncBoot server engine closed");
	}

	static final String ANONYMOUS_WARNING = """

			****************************************************************
			*  SyncBoot server accepts connections WITHOUT authentication:  *
			*  a client without a token is anonymous and, unless            *
			*  permissions say otherwise, may read and write every          *
			*  partition. Use this for development and tests only.          *
			****************************************************************""";

	/**
	 * Configures a {@link SyncServerEngine}. Each setter validates its argument and throws
	 * {@link IllegalArgumentException}; not thread-safe. Authentication is required: set
	 * {@link #hmacSecret}, {@link #jwtDecoder}, {@link #rsaPublicKey} or {@link #jwkSetUri}, or
	 * (development only) {@link #allowAnonymous()}.
	 */
	public static final class Builder extends AuthenticationBuilder<Builder> {

		private @Nullable HistoryStore store;

		private boolean ownsStore = true;

		private int maxMessageBytes = SyncProtocol.DEFAULT_MAX_MESSAGE_BYTES;

		private Duration sendTimeout = Duration.ofSeconds(30);

		private int workerThreads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

		private @Nullable Duration historyRetention;

		private Duration compactionInterval = Duration.ofMinutes(1);

		private Builder() {
		}

		/**
		 * How long the history of changesets is kept (default: forever). Every
		 * {@link #compactionInterval} the changesets committed longer ago are removed; clients whose
		 * cursor is behind them get {@code CLIENT_FILE_EXPIRED} (222) and reset, fresh clients
		 * bootstrap from the document states. At least 1 s.
		 */
		public Builder historyRetention(Duration retention) {
			if (retention == null || retention.compareTo(Duration.ofSeconds(1)) < 0) {
				throw new IllegalArgumentException("historyRetention must be at least 1 s, was " + retention);
			}
			this.historyRetention = retention;
			return this;
		}

		/** How often the history is compacted when a {@link #historyRetention} is set: 100 ms to 1 day, default 1 min. */
		public Builder compactionInterval(Duration interval) {
			if (interval == null || interval.toMillis() < 100 || interval.compareTo(Duration.ofDays(1)) > 0) {
				throw new IllegalArgumentException("compactionInterval must be between 100 ms and 1 day, was " + interval);
			}
			this.compactionInterval = interval;
			return this;
		}

		/** The history store (required); {@code owned} says whether {@link #close()} closes it. */
		public Builder store(HistoryStore store, boolean owned) {
			if (store == null) {
				throw new IllegalArgumentException("store must not be null");
			}
			this.store = store;
			this.ownsStore = owned;
			return this;
		}

		/** The largest inbound message in bytes, at least 1024; default 16 MiB. */
		public Builder maxMessageBytes(int maxMessageBytes) {
			this.maxMessageBytes = SyncServer.checkMaxMessageBytes(maxMessageBytes);
			return this;
		}

		/** How long an outbound send may stay unread before the connection is closed (4003); default 30 s. */
		public Builder sendTimeout(Duration sendTimeout) {
			this.sendTimeout = SyncServer.checkSendTimeout(sendTimeout);
			return this;
		}

		/** The size of the worker pool, at least 1; default twice the processors, at least 4. */
		public Builder workerThreads(int workerThreads) {
			if (workerThreads < 1 || workerThreads > 1024) {
				throw new IllegalArgumentException("workerThreads must be between 1 and 1024, was " + workerThreads);
			}
			this.workerThreads = workerThreads;
			return this;
		}

		/**
		 * Creates the engine and its threads.
		 * @throws IllegalStateException if no store was set, or authentication is not configured or
		 * contradictory
		 */
		public SyncServerEngine build() {
			HistoryStore configured = this.store;
			if (configured == null) {
				throw new IllegalStateException("no history store is configured: call store(...)");
			}
			this.auth.validateAuthentication();
			return new SyncServerEngine(this, configured);
		}

	}

}
