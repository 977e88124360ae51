package io.syncboot.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import io.syncboot.core.protocol.SyncProtocol;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a {@link SyncManager}: the server, where local files live, reconnect backoff,
 * keepalive, timeouts, multiplexing and message size. Immutable; build with {@link #builder()}.
 */
public final class SyncClientSettings {

	/** Default first reconnect delay. */
	public static final Duration DEFAULT_RECONNECT_INITIAL_DELAY = Duration.ofSeconds(1);

	/** Default factor between consecutive reconnect delays. */
	public static final double DEFAULT_RECONNECT_MULTIPLIER = 2.0;

	/** Default longest reconnect delay. */
	public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofMinutes(5);

	/** Default share of a reconnect delay that is randomly taken off it. */
	public static final double DEFAULT_RECONNECT_JITTER = 0.25;

	/** Default limit for opening a connection (TCP, TLS and handshake). */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(120);

	/** Default time between keepalive pings. */
	public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(60);

	/** Default time to wait for a pong before the connection counts as dead. */
	public static final Duration DEFAULT_PONG_TIMEOUT = Duration.ofSeconds(120);

	/** Default time an unused shared connection stays open. */
	public static final Duration DEFAULT_CONNECTION_LINGER = Duration.ofSeconds(30);

	private final URI serverUrl;

	private final Path baseDirectory;

	private final Duration reconnectInitialDelay;

	private final double reconnectMultiplier;

	private final Duration reconnectMaxDelay;

	private final double reconnectJitter;

	private final Duration connectTimeout;

	private final Duration pingInterval;

	private final Duration pongTimeout;

	private final Duration connectionLinger;

	private final boolean multiplex;

	private final int maxMessageBytes;

	private SyncClientSettings(Builder builder) {
		this.serverUrl = Arguments.notNull(builder.serverUrl, "serverUrl");
		this.baseDirectory = Arguments.notNull(builder.baseDirectory, "baseDirectory");
		this.reconnectInitialDelay = builder.reconnectInitialDelay;
		this.reconnectMultiplier = builder.reconnectMultiplier;
		this.reconnectMaxDelay = builder.reconnectMaxDelay;
		this.reconnectJitter = builder.reconnectJitter;
		this.connectTimeout = builder.connectTimeout;
		this.pingInterval = builder.pingInterval;
		this.pongTimeout = builder.pongTimeout;
		this.connectionLinger = builder.connectionLinger;
		this.multiplex = builder.multiplex;
		this.maxMessageBytes = builder.maxMessageBytes;
		if (this.reconnectInitialDelay.compareTo(this.reconnectMaxDelay) > 0) {
			throw new IllegalArgumentException("reconnectInitialDelay (" + this.reconnectInitialDelay
					+ ") must not exceed reconnectMaxDelay (" + this.reconnectMaxDelay + ")");
		}
	}

	/** A builder with the defaults; {@code serverUrl} and {@code baseDirectory} are required. */
	public static Builder builder() {
		return new Builder();
	}

	/** The server's WebSocket URL ({@code ws://} or {@code wss://}). */
	public URI serverUrl() {
		return this.serverUrl;
	}

	/** The directory under which each user's local database files live. */
	public Path baseDirectory() {
		return this.baseDirectory;
	}

	/** The first reconnect delay after a failure. */
	public Duration reconnectInitialDelay() {
		return this.reconnectInitialDelay;
	}

	/** The factor between consecutive reconnect delays. */
	public double reconnectMultiplier() {
		return this.reconnectMultiplier;
	}

	/** The longest reconnect delay. */
	public Duration reconnectMaxDelay() {
		return this.reconnectMaxDelay;
	}

	/** The share of each reconnect delay, in [0, 1), that is randomly taken off it. */
	public double reconnectJitter() {
		return this.reconnectJitter;
	}

	/** The limit for opening a connection. */
	public Duration connectTimeout() {
		return this.connectTimeout;
	}

	/** The time between keepalive pings. */
	public Duration pingInterval() {
		return this.pingInterval;
	}

	/** The time to wait for a pong before the connection counts as dead. */
	public Duration pongTimeout() {
		return this.pongTimeout;
	}

	/** How long a shared connection without sessions stays open. */
	public Duration connectionLinger() {
		return this.connectionLinger;
	}

	/** Whether all sessions of one user share one WebSocket. */
	public boolean multiplex() {
		return this.multiplex;
	}

	/** The largest message sent or accepted, in bytes. */
	public int maxMessageBytes() {
		return this.maxMessageBytes;
	}

	/**
	 * Builds {@link SyncClientSettings}. Each setter checks its argument and throws
	 * {@link IllegalArgumentException} naming the value and the rule. Not thread-safe.
	 */
	public static final class Builder {

		private @Nullable URI serverUrl;

		private @Nullable Path baseDirectory;

		private Duration reconnectInitialDelay = DEFAULT_RECONNECT_INITIAL_DELAY;

		private double reconnectMultiplier = DEFAULT_RECONNECT_MULTIPLIER;

		private Duration reconnectMaxDelay = DEFAULT_RECONNECT_MAX_DELAY;

		private double reconnectJitter = DEFAULT_RECONNECT_JITTER;

		private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

		private Duration pingInterval = DEFAULT_PING_INTERVAL;

		private Duration pongTimeout = DEFAULT_PONG_TIMEOUT;

		private Duration connectionLinger = DEFAULT_CONNECTION_LINGER;

		private boolean multiplex = true;

		private int maxMessageBytes = SyncProtocol.DEFAULT_MAX_MESSAGE_BYTES;

		private Builder() {
		}

		/** The server's WebSocket URL: scheme {@code ws} or {@code wss}, with a host. */
		public Builder serverUrl(URI serverUrl) {
			Arguments.notNull(serverUrl, "serverUrl");
			String scheme = serverUrl.getScheme();
			if (scheme == null || !(scheme.equalsIgnoreCase("ws") || scheme.equalsIgnoreCase("wss"))) {
				throw new IllegalArgumentException("serverUrl must use the ws or wss scheme, was " + serverUrl);
			}
			if (serverUrl.getHost() == null) {
				throw new IllegalArgumentException("serverUrl must name a host, was " + serverUrl);
			}
			this.serverUrl = serverUrl;
			return this;
		}

		/** The directory for local files; created if missing. */
		public Builder baseDirectory(Path baseDirectory) {
			this.baseDirectory = Arguments.notNull(baseDirectory, "baseDirectory").toAbsolutePath();
			return this;
		}

		/** The first reconnect delay (default 1 s); positive, at most a year. */
		public Builder reconnectInitialDelay(Duration delay) {
			this.reconnectInitialDelay = Arguments.positive(delay, "reconnectInitialDelay");
			return this;
		}

		/** The factor between reconnect delays (default 2); at least 1. */
		public Builder reconnectMultiplier(double multiplier) {
			if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
				throw new IllegalArgumentException("reconnectMultiplier must be a finite number >= 1, was " + multiplier);
			}
			this.reconnectMultiplier = multiplier;
			return this;
		}

		/** The longest reconnect delay (default 5 min); positive, at most a year, at least the initial delay. */
		public Builder reconnectMaxDelay(Duration delay) {
			this.reconnectMaxDelay = Arguments.positive(delay, "reconnectMaxDelay");
			return this;
		}

		/** The share of a delay randomly taken off it (default 0.25); in [0, 1). */
		public Builder reconnectJitter(double jitter) {
			if (!(jitter >= 0.0 && jitter < 1.0)) {
				throw new IllegalArgumentException("reconnectJitter must be in [0, 1), was " + jitter);
			}
			this.reconnectJitter = jitter;
			return this;
		}

		/** The limit for opening a connection (default 120 s); positive, at most a year. */
		public Builder connectTimeout(Duration timeout) {
			this.connectTimeout = Arguments.positive(timeout, "connectTimeout");
			return this;
		}

		/** The time between keepalive pings (default 60 s); positive, at most a year. */
		public Builder pingInterval(Duration interval) {
			this.pingInterval = Arguments.positive(interval, "pingInterval");
			return this;
		}

		/** The time to wait for a pong (default 120 s); positive, at most a year. */
		public Builder pongTimeout(Duration timeout) {
			this.pongTimeout = Arguments.positive(timeout, "pongTimeout");
			return this;
		}

		/** How long a shared connection without sessions stays open (default 30 s); zero or positive, at most a year. */
		public Builder connectionLinger(Duration linger) {
			Arguments.notNull(linger, "connectionLinger");
			if (linger.isNegative()) {
				throw new IllegalArgumentException("connectionLinger must not be negative, was " + linger);
			}
			this.connectionLinger = Arguments.atMostAYear(linger, "connectionLinger");
			return this;
		}

		/** Whether all sessions of one user share one WebSocket (default {@code true}). */
		public Builder multiplex(boolean multiplex) {
			this.multiplex = multiplex;
			return this;
		}

		/** The largest message sent or accepted (default 16 MiB); at least 64 KiB. */
		public Builder maxMessageBytes(int maxMessageBytes) {
			if (maxMessageBytes < 64 * 1024) {
				throw new IllegalArgumentException("maxMessageBytes must be >= 65536, was " + maxMessageBytes);
			}
			this.maxMessageBytes = maxMessageBytes;
			return this;
		}

		/**
		 * The settings.
		 * @throws IllegalArgumentException if {@code serverUrl} or {@code baseDirectory} is missing,
		 * or the initial reconnect delay exceeds the maximum
		 */
		public SyncClientSettings build() {
			return new SyncClientSettings(this);
		}

	}

}
