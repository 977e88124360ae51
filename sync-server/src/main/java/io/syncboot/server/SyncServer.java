package io.syncboot.server;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.syncboot.core.protocol.SyncProtocol;
import io.syncboot.server.internal.embedded.ConnectionBuffers;
import io.syncboot.server.internal.embedded.EmbeddedTomcat;
import io.syncboot.server.internal.embedded.SyncEndpoint;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * A SyncBoot sync server: the WebSocket endpoint on an embedded Tomcat, over the embedded durable
 * SQLite history store in a data directory, or over PostgreSQL ({@link Builder#dataSource},
 * {@link Builder#jdbcUrl}) shared by several servers. For tests, tools and standalone use:
 *
 * <pre>{@code
 * try (SyncServer server = SyncServer.builder()
 *         .port(0)                                  // 0 = a free port
 *         .dataDirectory(Path.of("server-data"))
 *         .hmacSecret(secret)                       // or .jwtDecoder(decoder); .allowAnonymous() for development
 *         .apiKey("key-alice", "alice")             // exchanged at POST /sync/auth/token
 *         .permissions(SyncPermissions.builder().readWrite("user-${sub}").read("catalog").build())
 *         .build()
 *         .start()) {
 *     URI url = server.url();                       // ws://localhost:PORT/sync
 * }
 * }</pre>
 *
 * <p>Lifecycle: {@link Builder#build()} validates the configuration, {@link #start()} opens the store
 * and starts listening (once), {@link #close()} closes every connection with 1001, finishes the
 * accepted writes and closes the store; afterwards the data directory may be deleted. Threads are
 * daemon threads named {@code syncboot-server-<role>-<n>} (see {@link SyncServerEngine}).
 * Thread-safe. Methods throw {@link IllegalStateException} when called in the wrong state.
 */
public final class SyncServer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SyncServer.class);

	private static final int MAX_CONNECTIONS_LIMIT = 1_000_000;

	private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");

	private enum State {
		NEW, STARTED, CLOSED
	}

	private final int requestedPort;

	private final @Nullable Path dataDirectory;

	private final @Nullable DataSource dataSource;

	private final String @Nullable [] jdbc;

	private final String path;

	private final int maxMessageBytes;

	private final Duration sendTimeout;

	private final int maxConnections;

	private final SyncServerEngine.Builder engineSettings;

	private State state = State.NEW; // guarded by this

	private @Nullable SyncServerEngine engine; // guarded by this

	private @Nullable EmbeddedTomcat tomcat; // guarded by this

	private SyncServer(Builder builder, @Nullable Path dataDirectory) {
		this.requestedPort = builder.port;
		this.dataDirectory = dataDirectory;
		this.dataSource = builder.dataSource;
		this.jdbc = builder.jdbc;
		this.path = builder.path;
		this.maxMessageBytes = builder.maxMessageBytes;
		this.sendTimeout = builder.sendTimeout;
		this.maxConnections = builder.maxConnections;
		this.engineSettings = SyncServerEngine.builder();
		builder.auth.copyTo(this.engineSettings.auth);
		Duration retention = builder.historyRetention;
		if (retention != null) {
			this.engineSettings.historyRetention(retention);
		}
		this.engineSettings.compactionInterval(builder.compactionInterval);
	}

	private JdbcHistoryStore openStore() {
		DataSource configured = this.dataSource;
		String[] url = this.jdbc;
		if (configured != null) {
			return JdbcHistoryStore.postgresql(configured);
		}
		if (url != null) {
			return JdbcHistoryStore.postgresql(url[0], url[1], url[2]);
		}
		return JdbcHistoryStore.sqlite(java.util.Objects.requireNonNull(this.dataDirectory));
	}

	private String storeDescription() {
		return (this.dataDirectory != null) ? "data in " + this.dataDirectory.toAbsolutePath() : "history on PostgreSQL";
	}

	/**
	 * A builder for a server; {@code dataDirectory} and authentication ({@code hmacSecret},
	 * {@code jwtDecoder}, {@code rsaPublicKey}, {@code jwkSetUri} or, for development,
	 * {@code allowAnonymous()}) are required.
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Opens the store and starts listening.
	 * @return this server
	 * @throws IllegalStateException if already started or closed, or if the store or the port cannot
	 * be opened (the cause says why)
	 */
	public synchronized SyncServer start() {
		if (this.state != State.NEW) {
			throw new IllegalStateException("the server can be started once; it is " + this.state);
		}
		JdbcHistoryStore store = openStore();
		SyncServerEngine started = null;
		try {
			started = this.engineSettings.store(store, true)
				.maxMessageBytes(this.maxMessageBytes)
				.sendTimeout(this.sendTimeout)
				.build();
			this.tomcat = EmbeddedTomcat.start(this.requestedPort, this.maxConnections, new SyncEndpoint(this.path,
					started.webSocketHandler(), started.handshakeInterceptor(), started.tokenEndpoint()));
		}
		catch (RuntimeException ex) {
			if (started != null) {
				started.close();
			}
			else {
				store.close();
			}
			this.state = State.CLOSED;
			throw ex;
		}
		this.engine = started;
		this.state = State.STARTED;
		logger.info("SyncBoot server listening on {} ({})", url(), storeDescription());
		return this;
	}

	/**
	 * The URL of the API-key exchange endpoint, {@code http://localhost:PORT/sync/auth/token}.
	 * @throws IllegalStateException before {@link #start()} or after {@link #close()}
	 */
	public synchronized URI tokenUrl() {
		return URI.create("http://localhost:" + port() + this.path + "/auth/token");
	}

	/**
	 * The endpoint URL, {@code ws://localhost:PORT/sync}.
	 * @throws IllegalStateException before {@link #start()} or after {@link #close()}
	 */
	public synchronized URI url() {
		return URI.create("ws://localhost:" + port() + this.path);
	}

	/**
	 * The port the server listens on (the free port chosen when configured with 0).
	 * @throws IllegalStateException before {@link #start()} or after {@link #close()}
	 */
	public synchronized int port() {
		return started().port();
	}

	/** The data directory of the embedded store, or {@code null} for a server on PostgreSQL. */
	public @Nullable Path dataDirectory() {
		return this.dataDirectory;
	}

	/**
	 * The number of open WebSocket connections.
	 * @throws IllegalStateException before {@link #start()} or after {@link #close()}
	 */
	public synchronized int connectionCount() {
		started();
		SyncServerEngine current = this.engine;
		return (current != null) ? current.connectionCount() : 0;
	}

	/** The running engine, for tests of its figures. */
	synchronized SyncServerEngine engine() {
		started();
		SyncServerEngine current = this.engine;
		if (current == null) {
			throw new IllegalStateException("the server is not running");
		}
		return current;
	}

	/** The embedded Tomcat, for tests of its settings. */
	synchronized EmbeddedTomcat embeddedTomcat() {
		return started();
	}

	private EmbeddedTomcat started() {
		EmbeddedTomcat current = this.tomcat;
		if (this.state != State.STARTED || current == null) {
			throw new IllegalStateException("the server is not running; it is " + this.state);
		}
		return current;
	}

	/**
	 * Closes every connection with 1001, stops listening, finishes the accepted writes and closes the
	 * store. Idempotent; a server that was never started just becomes closed.
	 */
	@Override
	public void close() {
		SyncServerEngine closingEngine;
		EmbeddedTomcat closingTomcat;
		synchronized (this) {
			if (this.state == State.CLOSED) {
				return;
			}
			this.state = State.CLOSED;
			closingEngine = this.engine;
			closingTomcat = this.tomcat;
			this.engine = null;
			this.tomcat = null;
		}
		if (closingTomcat != null) {
			closingTomcat.stopAccepting();
		}
		if (closingEngine != null) {
			closingEngine.close();
		}
		if (closingTomcat != null) {
			closingTomcat.close();
		}
		logger.info("SyncBoot server stopped");
	}

	static int checkMaxMessageBytes(int maxMessageBytes) {
		if (maxMessageBytes < 64 * 1024) {
			throw new IllegalArgumentException("maxMessageBytes must be at least 65536 (64 KiB), was " + maxMessageBytes);
		}
		return maxMessageBytes;
	}

	static int checkMaxConnections(int maxConnections) {
		if (maxConnections < 1 || maxConnections > MAX_CONNECTIONS_LIMIT) {
			throw new IllegalArgumentException("maxConnections must be between 1 and " + MAX_CONNECTIONS_LIMIT + ", was "
					+ maxConnections);
		}
		return maxConnections;
	}

	static Duration checkSendTimeout(Duration sendTimeout) {
		if (sendTimeout == null || sendTimeout.isNegative() || sendTimeout.isZero()) {
			throw new IllegalArgumentException("sendTimeout must be positive, was " + sendTimeout);
		}
		if (sendTimeout.toMillis() < 10 || sendTimeout.compareTo(Duration.ofDays(1)) > 0) {
			throw new IllegalArgumentException("sendTimeout must be between 10 ms and 1 day, was " + sendTimeout);
		}
		return sendTimeout;
	}

	/**
	 * Configures a {@link SyncServer}. Each setter validates its argument and throws
	 * {@link IllegalArgumentException} naming the value and the rule. Authentication and permissions
	 * are described in {@link SyncServerEngine}. Not thread-safe.
	 */
	public static final class Builder extends AuthenticationBuilder<Builder> {

		private int port = 8080;

		private @Nullable Path dataDirectory;

		private String path = "/sync";

		private int maxMessageBytes = SyncProtocol.DEFAULT_MAX_MESSAGE_BYTES;

		private Duration sendTimeout = Duration.ofSeconds(30);

		private int maxConnections = ConnectionBuffers.DEFAULT_MAX_CONNECTIONS;

		private @Nullable DataSource dataSource;

		private String @Nullable [] jdbc;

		private @Nullable Duration historyRetention;

		private Duration compactionInterval = Duration.ofMinutes(1);

		private Builder() {
		}

		/**
		 * Keeps the history on PostgreSQL through this data source (a connection pool) instead of the
		 * embedded store: any number of servers sharing the database serve the same partitions, and a
		 * client may connect to any of them. The schema is created or upgraded on start. Replaces
		 * {@link #dataDirectory}. The data source is not closed by the server.
		 */
		public Builder dataSource(DataSource dataSource) {
			if (dataSource == null) {
				throw new IllegalArgumentException("dataSource must not be null");
			}
			this.dataSource = dataSource;
			return this;
		}

		/**
		 * Keeps the history on PostgreSQL at a JDBC URL ({@code jdbc:postgresql://host:5432/db}), with a
		 * small connection pool of the server's own, as {@link #dataSource} does.
		 */
		public Builder jdbcUrl(String url, @Nullable String user, @Nullable String password) {
			if (url == null || !url.startsWith("jdbc:postgresql:")) {
				throw new IllegalArgumentException("the JDBC URL must start with jdbc:postgresql:, was " + url);
			}
			this.jdbc = new String[] { url, user, password };
			return this;
		}

		/** See {@link SyncServerEngine.Builder#historyRetention}; default: the history is kept forever. */
		public Builder historyRetention(Duration retention) {
			SyncServerEngine.builder().historyRetention(retention);
			this.historyRetention = retention;
			return this;
		}

		/** See {@link SyncServerEngine.Builder#compactionInterval}; default 1 min. */
		public Builder compactionInterval(Duration interval) {
			SyncServerEngine.builder().compactionInterval(interval);
			this.compactionInterval = interval;
			return this;
		}

		/** The TCP port, 0 for a free one; default 8080. */
		public Builder port(int port) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
			}
			this.port = port;
			return this;
		}

		/** The directory of the embedded store, created if missing (required). */
		public Builder dataDirectory(Path dataDirectory) {
			if (dataDirectory == null) {
				throw new IllegalArgumentException("dataDirectory must not be null");
			}
			if (Files.exists(dataDirectory) && !Files.isDirectory(dataDirectory)) {
				throw new IllegalArgumentException("dataDirectory " + dataDirectory + " exists and is not a directory");
			}
			this.dataDirectory = dataDirectory;
			return this;
		}

		/** The endpoint path, e.g. {@code /sync} (the default): segments of {@code A-Z a-z 0-9 . _ ~ -}. */
		public Builder path(String path) {
			if (path == null || !PATH.matcher(path).matches()) {
				throw new IllegalArgumentException("path must look like /sync (segments of A-Z a-z 0-9 . _ ~ -), was '"
						+ path + "'");
			}
			this.path = path;
			return this;
		}

		/** The largest message accepted, in bytes, at least 64 KiB; default 16 MiB. */
		public Builder maxMessageBytes(int maxMessageBytes) {
			this.maxMessageBytes = checkMaxMessageBytes(maxMessageBytes);
			return this;
		}

		/**
		 * How long an outgoing send may stay unread before the connection is closed as a slow consumer
		 * (close code 4003; the client resumes later from its cursor); 10 ms to 1 day, default 30 s.
		 */
		public Builder sendTimeout(Duration sendTimeout) {
			this.sendTimeout = checkSendTimeout(sendTimeout);
			return this;
		}

		/**
		 * The most connections open at once, 1 to 1,000,000; default 20,000. Beyond it the server
		 * accepts no more until one closes (a client's handshake then waits, and times out after its
		 * connect timeout). Each connection also takes a file descriptor ({@code ulimit -n}), and an
		 * idle session about 20 KB of heap in the standalone server, about 41 KB in a JVM that keeps
		 * Tomcat's 8 KiB WebSocket frame buffers ({@link SyncServerMain} explains).
		 */
		public Builder maxConnections(int maxConnections) {
			this.maxConnections = checkMaxConnections(maxConnections);
			return this;
		}

		/**
		 * A server with this configuration, not yet started.
		 * @throws IllegalStateException if no data directory is set, or if authentication is not
		 * configured or contradictory
		 */
		public SyncServer build() {
			Path directory = this.dataDirectory;
			boolean postgres = this.dataSource != null || this.jdbc != null;
			if (directory == null && !postgres) {
				throw new IllegalStateException("dataDirectory is not set: the server needs a directory for its store "
						+ "(or a PostgreSQL dataSource)");
			}
			if (directory != null && postgres) {
				throw new IllegalStateException("set either dataDirectory (embedded store) or a PostgreSQL data source, not both");
			}
			if (this.dataSource != null && this.jdbc != null) {
				throw new IllegalStateException("set either dataSource or jdbcUrl, not both");
			}
			this.auth.validateAuthentication();
			return new SyncServer(this, directory);
		}

	}

}
