package io.syncboot.server;

import java.time.Duration;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.protocol.SyncProtocol;
import io.syncboot.server.internal.concurrent.ServerExecutors;
import io.syncboot.server.internal.session.IntegrationBatcher;
import io.syncboot.server.internal.session.Partitions;
import io.syncboot.server.internal.session.ServerContext;
import io.syncboot.server.internal.session.ServerSettings;
import io.syncboot.server.internal.transport.SyncWebSocketHandler;
import io.syncboot.server.store.HistoryStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.WebSocketHandler;

/**
 * The sync protocol engine without an HTTP server: a {@link HistoryStore}, the server's threads and
 * a Spring {@link WebSocketHandler} to register at the endpoint path of any Spring web application
 * ({@code registry.addHandler(engine.webSocketHandler(), "/sync")}). {@link SyncServer} runs one
 * inside an embedded Tomcat.
 *
 * <p>Threads: a bounded pool of daemon workers ({@code syncboot-server-worker-n}) runs each
 * connection's messages one at a time; one writer ({@code syncboot-server-writer-1}) runs the store
 * writes; one timer ({@code syncboot-server-timer-1}) watches for stuck sends. The handler's
 * container callbacks return quickly and never throw. Thread-safe. {@link #close()} closes every
 * connection with 1001, finishes the writes already accepted and closes the store (if the engine
 * owns it).
 */
public final class SyncServerEngine implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SyncServerEngine.class);

	private final HistoryStore store;

	private final boolean ownsStore;

	private final ServerExecutors executors;

	private final Partitions partitions;

	private final SyncWebSocketHandler handler;

	private boolean closed; // guarded by this

	private SyncServerEngine(Builder builder, HistoryStore store) {
		this.store = store;
		this.ownsStore = builder.ownsStore;
		this.executors = new ServerExecutors(builder.workerThreads);
		MessageCodec codec = new MessageCodec(builder.maxMessageBytes);
		this.partitions = new Partitions(store, codec);
		ServerSettings settings = ServerSettings.of(builder.maxMessageBytes, builder.sendTimeout,
				SyncProtocol.DEFAULT_BATCH_BYTES);
		ServerContext context = new ServerContext(store, this.executors, this.partitions,
				new IntegrationBatcher(store, this.executors.writer(), this.partitions), settings, codec);
		this.handler = new SyncWebSocketHandler(context);
	}

	/** A builder; {@link Builder#store} is required. */
	public static Builder builder() {
		return new Builder();
	}

	/** The WebSocket handler to register at the endpoint path; the same instance every time. */
	public WebSocketHandler webSocketHandler() {
		return this.handler;
	}

	/** The history store. */
	public HistoryStore store() {
		return this.store;
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
		this.handler.shutdown(Duration.ofSeconds(5));
		this.executors.shutdown(Duration.ofSeconds(30));
		if (this.ownsStore) {
			this.store.close();
		}
		logger.info("SyncBoot server engine closed");
	}

	/**
	 * Configures a {@link SyncServerEngine}. Each setter validates its argument and throws
	 * {@link IllegalArgumentException}; not thread-safe.
	 */
	public static final class Builder {

		private @Nullable HistoryStore store;

		private boolean ownsStore = true;

		private int maxMessageBytes = SyncProtocol.DEFAULT_MAX_MESSAGE_BYTES;

		private Duration sendTimeout = Duration.ofSeconds(30);

		private int workerThreads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

		private Builder() {
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
		 * @throws IllegalStateException if no store was set
		 */
		public SyncServerEngine build() {
			HistoryStore configured = this.store;
			if (configured == null) {
				throw new IllegalStateException("no history store is configured: call store(...)");
			}
			return new SyncServerEngine(this, configured);
		}

	}

}
