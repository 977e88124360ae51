package io.syncboot.autoconfigure.server;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Settings of the embedded sync server, bound from {@code sync.server.*}. Validated when bound.
 */
@ConfigurationProperties("sync.server")
public class SyncServerProperties implements Validator {

	/**
	 * Whether the application serves the sync protocol (requires a servlet web application).
	 */
	private boolean enabled = false;

	/**
	 * Path of the WebSocket endpoint.
	 */
	private String path = "/sync";

	/**
	 * Directory of the embedded history store (one SQLite file, durable before acknowledgement).
	 */
	private Path dataDirectory = Path.of("sync-server-data");

	/**
	 * Largest inbound message accepted; larger ones close the connection.
	 */
	private DataSize maxMessageSize = DataSize.ofMegabytes(16);

	/**
	 * How long an outbound message may stay unsent to a slow client before its connection is
	 * closed; the client resumes later from its cursor.
	 */
	private Duration sendTimeout = Duration.ofSeconds(30);

	/**
	 * Whether clients may connect without a token, as anonymous users. Development and tests only.
	 */
	private boolean allowAnonymous = false;

	private final Auth auth = new Auth();

	private final Permissions permissions = new Permissions();

	private final History history = new History();

	private final Store store = new Store();

	/**
	 * Number of threads that process the connections' messages. Default: twice the number of
	 * processors, at least 4.
	 */
	private @Nullable Integer workerThreads;

	/**
	 * Comma-separated list of origins allowed to open the WebSocket from a browser, for example
	 * https://app.example.com. Clients that send no Origin header (non-browser clients) are always
	 * allowed.
	 */
	private List<String> allowedOrigins = new ArrayList<>();

	/**
	 * Whether to size the application's Tomcat for many idle sync connections: 1 KiB socket
	 * buffers and WebSocket message buffers instead of 8 KiB, and a pool of 64 recycled channels
	 * (an idle session then takes about 41 KB of heap instead of about 78 KB). Applies to the
	 * whole Tomcat: another WebSocket endpoint of the application that takes whole messages then
	 * accepts at most 1 KiB per message.
	 */
	private boolean smallConnectionBuffers = false;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public Path getDataDirectory() {
		return this.dataDirectory;
	}

	public void setDataDirectory(Path dataDirectory) {
		this.dataDirectory = dataDirectory;
	}

	public DataSize getMaxMessageSize() {
		return this.maxMessageSize;
	}

	public void setMaxMessageSize(DataSize maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	public Duration getSendTimeout() {
		return this.sendTimeout;
	}

	public void setSendTimeout(Duration sendTimeout) {
		this.sendTimeout = sendTimeout;
	}

	public boolean isAllowAnonymous() {
		return this.allowAnonymous;
	}

	public void setAllowAnonymous(boolean allowAnonymous) {
		this.allowAnonymous = allowAnonymous;
	}

	public Auth getAuth() {
		return this.auth;
	}

	public Permissions getPermissions() {
		return this.permissions;
	}

	public History getHistory() {
		return this.history;
	}

	public Store getStore() {
		return this.store;
	}

	public @Nullable Integer getWorkerThreads() {
		return this.workerThreads;
	}

	public void setWorkerThreads(@Nullable Integer workerThreads) {
		this.workerThreads = workerThreads;
	}

	public boolean isSmallConnectionBuffers() {
		return this.smallConnectionBuffers;
	}

	public void setSmallConnectionBuffers(boolean smallConnectionBuffers) {
		this.smallConnectionBuffers = smallConnectionBuffers;
	}

	public List<String> getAllowedOrigins() {
		return this.allowedOrigins;
	}

	public void setAllowedOrigins(List<String> allowedOrigins) {
		this.allowedOrigins = allowedOrigins;
	}

	@Override
	public boolean supports(Class<?> type) {
		return SyncServerProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		SyncServerProperties properties = (SyncServerProperties) target;
		if (!properties.enabled) {
			return;
		}
		if (!properties.path.startsWith("/") || properties.path.contains(" ")) {
			reject(errors, "sync.server.path", properties.path, "must start with '/' and contain no spaces");
		}
		long maxBytes = properties.maxMessageSize.toBytes();
		if (maxBytes < 64 * 1024 || maxBytes > Integer.MAX_VALUE) {
			reject(errors, "sync.server.max-message-size", properties.maxMessageSize, "must be between 64KB and 2GB");
		}
		if (properties.sendTimeout.isNegative() || properties.sendTimeout.isZero()) {
			reject(errors, "sync.server.send-timeout", properties.sendTimeout, "must be positive");
		}
		Integer workers = properties.workerThreads;
		if (workers != null && (workers < 1 || workers > 1024)) {
			reject(errors, "sync.server.worker-threads", workers, "must be between 1 and 1024");
		}
		properties.auth.validate(errors);
		properties.history.validate(errors);
	}

	private static void reject(Errors errors, String key, Object value, String rule) {
		errors.reject(key + ".invalid", key + " " + rule + ", was '" + value + "'");
	}

	/**
	 * How long the history of changes is kept. Document states are always kept, so a new client
	 * still gets everything; a client whose download cursor falls behind the kept history resets.
	 */
	public static class History {

		/**
		 * How long changes stay in the history; older ones are removed every compaction interval.
		 * Unset: the history is kept forever. At least 1 second.
		 */
		private @Nullable Duration retention;

		/**
		 * How often the history older than the retention is removed, when a retention is set. From
		 * 100 milliseconds to 1 day.
		 */
		private Duration compactionInterval = Duration.ofMinutes(1);

		public @Nullable Duration getRetention() {
			return this.retention;
		}

		public void setRetention(@Nullable Duration retention) {
			this.retention = retention;
		}

		public Duration getCompactionInterval() {
			return this.compactionInterval;
		}

		public void setCompactionInterval(Duration compactionInterval) {
			this.compactionInterval = compactionInterval;
		}

		void validate(Errors errors) {
			Duration kept = this.retention;
			if (kept != null && kept.compareTo(Duration.ofSeconds(1)) < 0) {
				reject(errors, "sync.server.history.retention", kept, "must be at least 1s");
			}
			if (this.compactionInterval.toMillis() < 100 || this.compactionInterval.compareTo(Duration.ofDays(1)) > 0) {
				reject(errors, "sync.server.history.compaction-interval", this.compactionInterval,
						"must be between 100ms and 1d");
			}
		}

	}

	/**
	 * Where the server keeps its history and document states.
	 */
	public static class Store {

		/**
		 * Which database holds the history: an embedded SQLite file in the data directory, or the
		 * application's DataSource (PostgreSQL), which any number of server nodes may share.
		 */
		private StoreType type = StoreType.EMBEDDED;

		public StoreType getType() {
			return this.type;
		}

		public void setType(StoreType type) {
			this.type = type;
		}

	}

	/**
	 * The databases the server can keep its history in.
	 */
	public enum StoreType {

		/**
		 * One SQLite file in {@code sync.server.data-directory}, written by this node alone.
		 */
		EMBEDDED,

		/**
		 * The application's {@link javax.sql.DataSource}, which must be PostgreSQL; the store's
		 * tables (prefixed {@code syncboot_}) are created and upgraded with their own schema history
		 * table, so the application's own migrations are left alone.
		 */
		DATASOURCE

	}

	/**
	 * How connections authenticate: a JWT bearer token on the WebSocket handshake, verified with the
	 * HMAC secret, the RSA public key or the identity provider's JWK set (at most one of them), or
	 * else with the application's {@code JwtDecoder} bean.
	 */
	public static class Auth {

		/**
		 * HMAC secret (at least 32 bytes) that verifies HS256 tokens and signs the tokens issued
		 * for API keys.
		 */
		private @Nullable String hmacSecret;

		/**
		 * Location of the RSA public key that verifies RS256 tokens: a PEM-encoded X.509 public key
		 * ('-----BEGIN PUBLIC KEY-----') or certificate, for example file:/etc/sync/public.pem or
		 * classpath:sync-public.pem. Cannot be combined with the HMAC secret or the JWK set URI.
		 */
		private @Nullable Resource publicKeyLocation;

		/**
		 * JWK set URI of the identity provider whose keys verify the tokens (RSA, RSA-PSS and EC
		 * signatures); set the issuer too. Cannot be combined with the HMAC secret or the public key
		 * location.
		 */
		private @Nullable URI jwkSetUri;

		/**
		 * Issuer that tokens must carry as their 'iss' claim, whichever verifier checks them (an
		 * application's JwtDecoder bean too); tokens issued for API keys carry it.
		 */
		private @Nullable String issuer;

		/**
		 * Audience that tokens must name in their 'aud' claim, whichever verifier checks them (an
		 * application's JwtDecoder bean too), so that a token the identity provider issued for
		 * another service is refused; tokens issued for API keys carry it.
		 */
		private @Nullable String audience;

		/**
		 * API keys by user id (sync.server.auth.api-keys.<user-id>=<key>), exchanged at POST
		 * <path>/auth/token for tokens whose subject is the user id. Requires the HMAC secret. Write
		 * a user id with other characters than ASCII letters, digits, '-', '_' and '.' in brackets:
		 * sync.server.auth.api-keys.[bot@example.com]=<key> (startup fails without them).
		 */
		private Map<String, String> apiKeys = new LinkedHashMap<>();

		/**
		 * Lifetime of the tokens issued for API keys, from 10 seconds to 24 hours.
		 */
		private Duration tokenTtl = Duration.ofMinutes(15);

		public @Nullable String getHmacSecret() {
			return this.hmacSecret;
		}

		public void setHmacSecret(@Nullable String hmacSecret) {
			this.hmacSecret = hmacSecret;
		}

		public @Nullable Resource getPublicKeyLocation() {
			return this.publicKeyLocation;
		}

		public void setPublicKeyLocation(@Nullable Resource publicKeyLocation) {
			this.publicKeyLocation = publicKeyLocation;
		}

		/**
		 * Whether one of the HMAC secret, the public key location and the JWK set URI is set (then
		 * they verify tokens, not a {@code JwtDecoder} bean).
		 */
		public boolean hasVerifier() {
			return this.hmacSecret != null || this.publicKeyLocation != null || this.jwkSetUri != null;
		}

		public @Nullable URI getJwkSetUri() {
			return this.jwkSetUri;
		}

		public void setJwkSetUri(@Nullable URI jwkSetUri) {
			this.jwkSetUri = jwkSetUri;
		}

		public @Nullable String getIssuer() {
			return this.issuer;
		}

		public void setIssuer(@Nullable String issuer) {
			this.issuer = issuer;
		}

		public @Nullable String getAudience() {
			return this.audience;
		}

		public void setAudience(@Nullable String audience) {
			this.audience = audience;
		}

		public Map<String, String> getApiKeys() {
			return this.apiKeys;
		}

		public void setApiKeys(Map<String, String> apiKeys) {
			this.apiKeys = apiKeys;
		}

		public Duration getTokenTtl() {
			return this.tokenTtl;
		}

		public void setTokenTtl(Duration tokenTtl) {
			this.tokenTtl = tokenTtl;
		}

		void validate(Errors errors) {
			String secret = this.hmacSecret;
			if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < 32) {
				errors.reject("sync.server.auth.hmac-secret.invalid", "sync.server.auth.hmac-secret must have at "
						+ "least 32 bytes, was " + secret.getBytes(StandardCharsets.UTF_8).length + " bytes");
			}
			URI jwks = this.jwkSetUri;
			if (jwks != null && !"https".equals(jwks.getScheme()) && !"http".equals(jwks.getScheme())) {
				reject(errors, "sync.server.auth.jwk-set-uri", jwks, "must be an http(s) URI");
			}
			if (jwks != null && this.issuer == null) {
				errors.reject("sync.server.auth.issuer.missing", "sync.server.auth.jwk-set-uri needs "
						+ "sync.server.auth.issuer: an identity provider's key set often signs the tokens of its other "
						+ "tenants and applications too, and those would be accepted");
			}
			if (secret != null && jwks != null) {
				errors.reject("sync.server.auth.conflict", "sync.server.auth.hmac-secret and "
						+ "sync.server.auth.jwk-set-uri are both set; set only one");
			}
			Resource publicKey = this.publicKeyLocation;
			if (secret != null && publicKey != null) {
				errors.reject("sync.server.auth.conflict", "sync.server.auth.hmac-secret and "
						+ "sync.server.auth.public-key-location are both set; set only one (tokens issued for API "
						+ "keys are signed with the HMAC secret and would not verify with the public key)");
			}
			if (jwks != null && publicKey != null) {
				errors.reject("sync.server.auth.conflict", "sync.server.auth.jwk-set-uri and "
						+ "sync.server.auth.public-key-location are both set; set only one");
			}
			if (!this.apiKeys.isEmpty() && secret == null) {
				errors.reject("sync.server.auth.api-keys.invalid", "sync.server.auth.api-keys needs "
						+ "sync.server.auth.hmac-secret: the tokens issued for API keys are signed with it");
			}
			this.apiKeys.forEach((user, key) -> {
				if (key == null || key.isBlank() || key.length() > 1024) {
					errors.reject("sync.server.auth.api-keys.invalid", "sync.server.auth.api-keys." + user
							+ " must have 1 to 1024 characters");
				}
			});
			if (this.tokenTtl.compareTo(Duration.ofSeconds(10)) < 0 || this.tokenTtl.compareTo(Duration.ofHours(24)) > 0) {
				reject(errors, "sync.server.auth.token-ttl", this.tokenTtl, "must be between 10s and 24h");
			}
		}

	}

	/**
	 * Who may read and write which partition. Patterns may use ${sub}, the token's subject, and
	 * ${claim.<name>}, a string claim of the token. Without rules, and without a SyncPermissions bean, every
	 * authenticated user may read and write every partition.
	 */
	public static class Permissions {

		/**
		 * Comma-separated list of partition patterns users may read and write, for example
		 * user-${sub}.
		 */
		private List<String> readWrite = new ArrayList<>();

		/**
		 * Comma-separated list of partition patterns users may read, for example catalog.
		 */
		private List<String> read = new ArrayList<>();

		public List<String> getReadWrite() {
			return this.readWrite;
		}

		public void setReadWrite(List<String> readWrite) {
			this.readWrite = readWrite;
		}

		public List<String> getRead() {
			return this.read;
		}

		public void setRead(List<String> read) {
			this.read = read;
		}

		/** Whether any rule is configured. */
		public boolean isConfigured() {
			return !this.readWrite.isEmpty() || !this.read.isEmpty();
		}

	}

}
