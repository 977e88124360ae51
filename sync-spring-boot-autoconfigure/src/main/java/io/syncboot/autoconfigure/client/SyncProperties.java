package io.syncboot.autoconfigure.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.syncboot.client.ClientResetMode;
import io.syncboot.client.StopPolicy;
import io.syncboot.core.model.Names;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Client settings bound from {@code sync.*}: the server, the local files, credentials, the
 * connection engine's timings and one entry per named session under {@code sync.sessions}.
 *
 * <p>Validated when bound: a bad value fails the application's startup with a message that names
 * the key and the value.
 */
@ConfigurationProperties("sync")
public class SyncProperties implements Validator {

	/**
	 * Whether the SyncBoot client is auto-configured.
	 */
	private boolean enabled = true;

	/**
	 * WebSocket URL of the sync server, for example ws://localhost:8080/sync. Required when
	 * sessions are configured.
	 */
	private @Nullable URI serverUrl;

	/**
	 * Directory that holds the local database files, one per user and partition.
	 */
	private Path baseDirectory = Path.of("sync-data");

	/**
	 * Stop policy of every session that does not set its own: what happens to a session when its
	 * database closes.
	 */
	private StopPolicy stopPolicy = StopPolicy.AFTER_CHANGES_UPLOADED;

	/**
	 * Client reset mode of every session that does not set its own.
	 */
	private ClientResetMode clientResetMode = ClientResetMode.RECOVER_OR_DISCARD;

	/**
	 * Time allowed for connecting a WebSocket, handshake included.
	 */
	private Duration connectTimeout = Duration.ofSeconds(120);

	/**
	 * Whether all sessions of one user share one WebSocket.
	 */
	private boolean multiplex = true;

	/**
	 * How long a shared WebSocket without sessions stays open before it closes.
	 */
	private Duration connectionLinger = Duration.ofSeconds(30);

	/**
	 * Largest message the client sends or accepts; a local transaction must fit in one message.
	 */
	private DataSize maxMessageSize = DataSize.ofMegabytes(16);

	/**
	 * Longest time the application's shutdown waits for sessions to finish their stop policy (for
	 * example to upload pending changes under AFTER_CHANGES_UPLOADED).
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(10);

	private final Auth auth = new Auth();

	private final Reconnect reconnect = new Reconnect();

	private final Keepalive keepalive = new Keepalive();

	private final Events events = new Events();

	private final Health health = new Health();

	private final Metrics metrics = new Metrics();

	private final ErrorHandling errors = new ErrorHandling();

	/**
	 * Named sessions to open at startup; each becomes a SyncDatabase and a SyncSession bean
	 * qualified by its name.
	 */
	private Map<String, Session> sessions = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable URI getServerUrl() {
		return this.serverUrl;
	}

	public void setServerUrl(@Nullable URI serverUrl) {
		this.serverUrl = serverUrl;
	}

	public Path getBaseDirectory() {
		return this.baseDirectory;
	}

	public void setBaseDirectory(Path baseDirectory) {
		this.baseDirectory = baseDirectory;
	}

	public StopPolicy getStopPolicy() {
		return this.stopPolicy;
	}

	public void setStopPolicy(StopPolicy stopPolicy) {
		this.stopPolicy = stopPolicy;
	}

	public ClientResetMode getClientResetMode() {
		return this.clientResetMode;
	}

	public void setClientResetMode(ClientResetMode clientResetMode) {
		this.clientResetMode = clientResetMode;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public boolean isMultiplex() {
		return this.multiplex;
	}

	public void setMultiplex(boolean multiplex) {
		this.multiplex = multiplex;
	}

	public Duration getConnectionLinger() {
		return this.connectionLinger;
	}

	public void setConnectionLinger(Duration connectionLinger) {
		this.connectionLinger = connectionLinger;
	}

	public DataSize getMaxMessageSize() {
		return this.maxMessageSize;
	}

	public void setMaxMessageSize(DataSize maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public Auth getAuth() {
		return this.auth;
	}

	public Reconnect getReconnect() {
		return this.reconnect;
	}

	public Keepalive getKeepalive() {
		return this.keepalive;
	}

	public Events getEvents() {
		return this.events;
	}

	public Health getHealth() {
		return this.health;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Map<String, Session> getSessions() {
		return this.sessions;
	}

	public void setSessions(Map<String, Session> sessions) {
		this.sessions = sessions;
	}

	/** The stop policy of a session: its own, else {@code sync.stop-policy}. */
	public StopPolicy stopPolicyOf(Session session) {
		StopPolicy own = session.getStopPolicy();
		return (own != null) ? own : this.stopPolicy;
	}

	/** The client reset mode of a session: its own, else {@code sync.client-reset-mode}. */
	public ClientResetMode clientResetModeOf(Session session) {
		ClientResetMode own = session.getClientResetMode();
		return (own != null) ? own : this.clientResetMode;
	}

	@Override
	public boolean supports(Class<?> type) {
		return SyncProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		SyncProperties properties = (SyncProperties) target;
		properties.validate(errors);
	}

	private void validate(Errors errors) {
		URI url = this.serverUrl;
		if (url != null) {
			String scheme = (url.getScheme() != null) ? url.getScheme().toLowerCase(Locale.ROOT) : "";
			if (!scheme.equals("ws") && !scheme.equals("wss") || url.getHost() == null) {
				reject(errors, "sync.server-url", url, "must be a ws:// or wss:// URL with a host, "
						+ "for example ws://localhost:8080/sync");
			}
		}
		else if (!this.sessions.isEmpty()) {
			errors.reject("sync.server-url.missing", "sync.server-url must be set when sessions are configured "
					+ "(sync.sessions: " + String.join(", ", this.sessions.keySet()) + ")");
		}
		this.sessions.forEach((name, session) -> {
			String key = "sync.sessions." + name + ".partition";
			String partition = session.getPartition();
			if (partition == null || partition.isBlank()) {
				reject(errors, key, partition, "must be set to the partition the session syncs");
				return;
			}
			try {
				Names.partition(partition);
			}
			catch (IllegalArgumentException ex) {
				// the message names the value (shortened when long) and the rule
				errors.reject(key + ".invalid", key + " is not a valid partition name: " + ex.getMessage());
			}
		});
		Map<String, String> sessionOfPartition = new HashMap<>();
		this.sessions.forEach((name, session) -> {
			String partition = session.getPartition();
			String other = (partition != null) ? sessionOfPartition.putIfAbsent(partition, name) : null;
			if (other != null) {
				reject(errors, "sync.sessions." + name + ".partition", partition, "is also the partition of session '"
						+ other + "'; each session needs a partition of its own (one local database per partition)");
			}
		});
		if (this.auth.getToken() != null && this.auth.getApiKey() != null) {
			errors.reject("sync.auth.conflict", "sync.auth.token and sync.auth.api-key are both set; set only one");
		}
		String token = this.auth.getToken();
		if (token != null && (token.isBlank() || token.split("\\.", -1).length != 3)) {
			// the value is a secret: not repeated in the message
			errors.reject("sync.auth.token.invalid", "sync.auth.token must be a JWT (three dot-separated parts)");
		}
		positive(errors, "sync.connect-timeout", this.connectTimeout);
		notNegative(errors, "sync.connection-linger", this.connectionLinger);
		notNegative(errors, "sync.shutdown-timeout", this.shutdownTimeout);
		positive(errors, "sync.reconnect.initial-delay", this.reconnect.initialDelay);
		positive(errors, "sync.reconnect.max-delay", this.reconnect.maxDelay);
		if (!this.reconnect.maxDelay.isNegative() && this.reconnect.maxDelay.compareTo(this.reconnect.initialDelay) < 0) {
			reject(errors, "sync.reconnect.max-delay", this.reconnect.maxDelay,
					"must not be shorter than sync.reconnect.initial-delay (" + this.reconnect.initialDelay + ")");
		}
		if (!(this.reconnect.multiplier >= 1.0) || Double.isInfinite(this.reconnect.multiplier)) {
			reject(errors, "sync.reconnect.multiplier", this.reconnect.multiplier, "must be at least 1");
		}
		if (!(this.reconnect.jitter >= 0.0 && this.reconnect.jitter < 1.0)) {
			reject(errors, "sync.reconnect.jitter", this.reconnect.jitter, "must be at least 0 and less than 1");
		}
		positive(errors, "sync.keepalive.ping-interval", this.keepalive.pingInterval);
		positive(errors, "sync.keepalive.pong-timeout", this.keepalive.pongTimeout);
		if (this.maxMessageSize.toBytes() < 64 * 1024 || this.maxMessageSize.toBytes() > Integer.MAX_VALUE) {
			reject(errors, "sync.max-message-size", this.maxMessageSize, "must be between 64KB and 2GB");
		}
		notNegative(errors, "sync.events.progress-interval", this.events.progressInterval);
		notNegative(errors, "sync.health.disconnected-grace-period", this.health.disconnectedGracePeriod);
	}

	private static void positive(Errors errors, String key, Duration value) {
		if (value.isNegative() || value.isZero()) {
			reject(errors, key, value, "must be positive");
		}
	}

	private static void notNegative(Errors errors, String key, Duration value) {
		if (value.isNegative()) {
			reject(errors, key, value, "must not be negative");
		}
	}

	private static void reject(Errors errors, String key, @Nullable Object value, String rule) {
		errors.reject(key + ".invalid", key + " " + rule + ", was '" + value + "'");
	}

	public ErrorHandling getErrors() {
		return this.errors;
	}

	/**
	 * Credentials presented to the server; anonymous when neither is set and no
	 * SyncAccessTokenProvider bean exists.
	 */
	public static class Auth {

		/**
		 * Access token (a JWT) presented to the server; its subject is the user id.
		 */
		private @Nullable String token;

		/**
		 * API key exchanged at the server for short-lived access tokens.
		 */
		private @Nullable String apiKey;

		public @Nullable String getToken() {
			return this.token;
		}

		public void setToken(@Nullable String token) {
			this.token = token;
		}

		public @Nullable String getApiKey() {
			return this.apiKey;
		}

		public void setApiKey(@Nullable String apiKey) {
			this.apiKey = apiKey;
		}

	}

	/**
	 * Reconnect backoff: the delay starts at the initial delay, is multiplied after each failed
	 * attempt up to the maximum, minus a random part of up to the jitter.
	 */
	public static class Reconnect {

		/**
		 * Delay before the first reconnect attempt after a connection is lost.
		 */
		private Duration initialDelay = Duration.ofSeconds(1);

		/**
		 * Factor applied to the delay after each failed attempt.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest delay between reconnect attempts.
		 */
		private Duration maxDelay = Duration.ofMinutes(5);

		/**
		 * Largest fraction of a delay removed at random, from 0 (none) to below 1.
		 */
		private double jitter = 0.25;

		public Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
		}

	}

	/**
	 * Keepalive: the client pings the server and treats a missing pong as a dead connection.
	 */
	public static class Keepalive {

		/**
		 * Interval between pings: the first an interval after connecting, each next one an interval
		 * after the previous pong (minus up to 10% jitter); one ping is outstanding at a time.
		 */
		private Duration pingInterval = Duration.ofSeconds(60);

		/**
		 * How long the client waits for the pong to a ping before the connection is considered dead
		 * and reopened. Counted from each ping, so it may be shorter or longer than the ping interval.
		 */
		private Duration pongTimeout = Duration.ofSeconds(120);

		public Duration getPingInterval() {
			return this.pingInterval;
		}

		public void setPingInterval(Duration pingInterval) {
			this.pingInterval = pingInterval;
		}

		public Duration getPongTimeout() {
			return this.pongTimeout;
		}

		public void setPongTimeout(Duration pongTimeout) {
			this.pongTimeout = pongTimeout;
		}

	}

	/**
	 * Application events published for the configured sessions.
	 */
	public static class Events {

		/**
		 * Whether SyncProgressEvents are published.
		 */
		private boolean progress = true;

		/**
		 * Shortest time between two SyncProgressEvents of one session and direction; the event that
		 * reports a completed transfer is always published.
		 */
		private Duration progressInterval = Duration.ofSeconds(1);

		public boolean isProgress() {
			return this.progress;
		}

		public void setProgress(boolean progress) {
			this.progress = progress;
		}

		public Duration getProgressInterval() {
			return this.progressInterval;
		}

		public void setProgressInterval(Duration progressInterval) {
			this.progressInterval = progressInterval;
		}

	}

	/**
	 * The "sync" health contributor.
	 */
	public static class Health {

		/**
		 * How long an active session may stay disconnected before it counts against health.
		 */
		private Duration disconnectedGracePeriod = Duration.ofMinutes(1);

		public Duration getDisconnectedGracePeriod() {
			return this.disconnectedGracePeriod;
		}

		public void setDisconnectedGracePeriod(Duration disconnectedGracePeriod) {
			this.disconnectedGracePeriod = disconnectedGracePeriod;
		}

	}

	/**
	 * Micrometer metrics of the client and server.
	 */
	public static class Metrics {

		/**
		 * Whether SyncBoot's meters (sync.*) are registered when Micrometer is present.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * What the default error handler does with the errors sessions report.
	 */
	public static class ErrorHandling {

		/**
		 * Whether the default error handler carries out an error's action at once when the error
		 * comes with an action token (SyncManager.immediatelyHandleError): the local file is
		 * deleted on permission denied; on a manual client reset it is backed up to its backup path
		 * and the session, inactive since the reset, downloads afresh through the same beans. When
		 * off, the error is logged and published, a reset session stays inactive, and the action
		 * runs at the next start of the application.
		 */
		private boolean handleActions = false;

		public boolean isHandleActions() {
			return this.handleActions;
		}

		public void setHandleActions(boolean handleActions) {
			this.handleActions = handleActions;
		}

	}

	/**
	 * One named session: its partition and the settings it overrides.
	 */
	public static class Session {

		/**
		 * Partition (server-side data set) the session syncs.
		 */
		private @Nullable String partition;

		/**
		 * Stop policy of this session, overriding sync.stop-policy.
		 */
		private @Nullable StopPolicy stopPolicy;

		/**
		 * Client reset mode of this session, overriding sync.client-reset-mode.
		 */
		private @Nullable ClientResetMode clientResetMode;

		/**
		 * Whether the session starts syncing when the application starts; when false it stays
		 * suspended until resumed.
		 */
		private boolean autoStart = true;

		public @Nullable String getPartition() {
			return this.partition;
		}

		public void setPartition(@Nullable String partition) {
			this.partition = partition;
		}

		public @Nullable StopPolicy getStopPolicy() {
			return this.stopPolicy;
		}

		public void setStopPolicy(@Nullable StopPolicy stopPolicy) {
			this.stopPolicy = stopPolicy;
		}

		public @Nullable ClientResetMode getClientResetMode() {
			return this.clientResetMode;
		}

		public void setClientResetMode(@Nullable ClientResetMode clientResetMode) {
			this.clientResetMode = clientResetMode;
		}

		public boolean isAutoStart() {
			return this.autoStart;
		}

		public void setAutoStart(boolean autoStart) {
			this.autoStart = autoStart;
		}

	}

}
