package io.syncboot.autoconfigure.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.security.interfaces.RSAPublicKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import io.syncboot.autoconfigure.client.SyncAccessTokenProvider;
import io.syncboot.server.SyncPermissions;
import io.syncboot.server.SyncServerEngine;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.security.converter.RsaKeyConverters;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistration;

/**
 * {@link EnableAutoConfiguration Auto-configuration} that makes a servlet web application a sync
 * server when {@code sync.server.enabled=true}: a {@link SyncServerEngine} on the embedded file
 * store in {@code sync.server.data-directory} or, with {@code sync.server.store.type=datasource},
 * on the application's PostgreSQL {@link DataSource}, keeping {@code sync.server.history.retention}
 * of history, authenticating with {@code sync.server.auth.*} or a {@link JwtDecoder} bean,
 * authorizing with a {@link SyncPermissions} bean or {@code sync.server.permissions.*}; its
 * WebSocket handler at {@code sync.server.path} and its API-key exchange at
 * {@code <path>/auth/token}.
 *
 * <p><b>Which verifier checks the tokens.</b> At most one of {@code sync.server.auth.hmac-secret},
 * {@code sync.server.auth.public-key-location} (a PEM RSA public key, RS256) and
 * {@code sync.server.auth.jwk-set-uri} may be set; when one is, it verifies the tokens and a
 * {@link JwtDecoder} bean of the application is not used for sync connections (logged at INFO):
 * such a bean may be the one Spring Boot defines for the application's own resource server, which
 * says nothing about the sync server's tokens, and the explicit {@code sync.server.*} keys are the
 * more specific statement. When none is set, the application's {@link JwtDecoder} bean (the
 * {@code @Primary} one if there are several) verifies them with its own validators, and then
 * {@code sync.server.auth.issuer}, if set, is required too (logged at INFO). With neither, startup fails unless
 * {@code sync.server.allow-anonymous=true}. An application that wants its own decoder and the HMAC
 * secret for API keys defines its own {@link SyncServerEngine} bean.
 *
 * <p>Startup fails, naming the key, on a public key location that does not exist, cannot be read,
 * or holds no PEM X.509 RSA public key, on conflicting keys, on several {@link JwtDecoder} beans
 * without a primary one when the bean would be used, and on an API key whose user id binding would
 * rewrite: Spring Boot drops characters such as {@code @}, {@code +} and {@code :} from a map key
 * written without brackets, so {@code sync.server.auth.api-keys.bot@example.com} would issue tokens
 * for {@code botexample.com}; {@code sync.server.auth.api-keys.[bot@example.com]} keeps the id.
 */
@AutoConfiguration
@ConditionalOnClass({ SyncServerEngine.class, WebSocketConfigurer.class, SimpleUrlHandlerMapping.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty("sync.server.enabled")
@EnableConfigurationProperties(SyncServerProperties.class)
public final class SyncServerAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(SyncServerAutoConfiguration.class);

	private static final String FLYWAY_POSTGRESQL = "org.flywaydb.database.postgresql.PostgreSQLDatabaseType";

	private static final String PUBLIC_KEY_LOCATION = "sync.server.auth.public-key-location";

	private static final ConfigurationPropertyName API_KEYS = ConfigurationPropertyName.of("sync.server.auth.api-keys");

	SyncServerAutoConfiguration() {
	}

	// created after the application's own database initialization (Flyway, Liquibase, SQL scripts),
	// which would refuse a schema the store had already put its tables in
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@DependsOnDatabaseInitialization
	SyncServerEngine syncServerEngine(SyncServerProperties properties, ObjectProvider<SyncPermissions> permissions,
			ObjectProvider<JwtDecoder> jwtDecoders, ObjectProvider<DataSource> dataSources,
			ResourceLoader resourceLoader, Environment environment) {
		if (!properties.getAuth().getApiKeys().isEmpty()) {
			checkApiKeyUserIds(environment);
		}
		SyncServerEngine.Builder builder = SyncServerEngine.builder()
			.maxMessageBytes((int) properties.getMaxMessageSize().toBytes())
			.sendTimeout(properties.getSendTimeout());
		Duration retention = properties.getHistory().getRetention();
		if (retention != null) {
			builder.historyRetention(retention).compactionInterval(properties.getHistory().getCompactionInterval());
		}
		Integer workers = properties.getWorkerThreads();
		if (workers != null) {
			builder.workerThreads(workers);
		}
		configureAuthentication(builder, properties, jwtDecoders);
		SyncPermissions rules = permissions.getIfAvailable(() -> fromProperties(properties.getPermissions()));
		if (rules != null) {
			builder.permissions(rules);
		}
		JdbcHistoryStore store = openStore(properties, dataSources, resourceLoader.getClassLoader());
		try {
			return builder.store(store, true).build();
		}
		catch (RuntimeException ex) {
			store.close();
			throw ex;
		}
	}

	/**
	 * The client of an application that is its own sync server, logging in with one of the server's
	 * API keys, gets its tokens from the engine in process: its sessions log in when the context
	 * creates them, before the web server listens.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.syncboot.client.SyncManager")
	@Conditional(OwnApiKeyCondition.class)
	static final class OwnApiKeyConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SyncAccessTokenProvider syncOwnServerTokenProvider(SyncServerEngine engine, Environment environment) {
			String apiKey = environment.getRequiredProperty("sync.auth.api-key");
			logger.info("The sync sessions log in with sync.auth.api-key at this application's own sync server, "
					+ "in process");
			return () -> engine.exchangeApiKey(apiKey)
				.orElseThrow(() -> new IllegalStateException("sync.auth.api-key is no longer an API key of this "
						+ "application's sync server"));
		}

	}

	private static JdbcHistoryStore openStore(SyncServerProperties properties, ObjectProvider<DataSource> dataSources,
			@Nullable ClassLoader classLoader) {
		if (properties.getStore().getType() == SyncServerProperties.StoreType.DATASOURCE) {
			DataSource dataSource = dataSources.getIfUnique();
			if (dataSource == null) {
				throw new IllegalStateException("sync.server.store.type=datasource needs the application's DataSource, "
						+ "but there is " + (dataSources.stream().findAny().isPresent() ? "more than one" : "none")
						+ ": add spring-boot-starter-jdbc and the PostgreSQL driver, and set spring.datasource.url");
			}
			String product = databaseProduct(dataSource);
			if (!"PostgreSQL".equals(product)) {
				throw new IllegalStateException("sync.server.store.type=datasource needs a PostgreSQL DataSource, "
						+ "the application's is " + product + "; use sync.server.store.type=embedded for a file store");
			}
			if (!ClassUtils.isPresent(FLYWAY_POSTGRESQL, classLoader)) {
				throw new IllegalStateException("sync.server.store.type=datasource needs Flyway's PostgreSQL support "
						+ "to create the store's tables: add org.flywaydb:flyway-database-postgresql");
			}
			return JdbcHistoryStore.postgresql(dataSource);
		}
		try {
			Files.createDirectories(properties.getDataDirectory());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("sync.server.data-directory '" + properties.getDataDirectory()
					+ "' cannot be created", ex);
		}
		return JdbcHistoryStore.sqlite(properties.getDataDirectory());
	}

	private static String databaseProduct(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			return connection.getMetaData().getDatabaseProductName();
		}
		catch (SQLException ex) {
			throw new IllegalStateException("sync.server.store.type=datasource: the application's DataSource gave no "
					+ "connection: " + ex.getMessage(), ex);
		}
	}

	private static void configureAuthentication(SyncServerEngine.Builder builder, SyncServerProperties properties,
			ObjectProvider<JwtDecoder> jwtDecoders) {
		SyncServerProperties.Auth auth = properties.getAuth();
		if (auth.hasVerifier()) {
			String secret = auth.getHmacSecret();
			if (secret != null) {
				builder.hmacSecret(secret);
			}
			Resource publicKeyLocation = auth.getPublicKeyLocation();
			if (publicKeyLocation != null) {
				builder.rsaPublicKey(readPublicKey(publicKeyLocation));
			}
			URI jwkSetUri = auth.getJwkSetUri();
			if (jwkSetUri != null) {
				builder.jwkSetUri(jwkSetUri);
			}
			if (jwtDecoders.stream().findAny().isPresent()) {
				logger.info("The sync server verifies tokens with sync.server.auth.*, not with the application's "
						+ "JwtDecoder bean (used only when none of sync.server.auth.hmac-secret, "
						+ "sync.server.auth.public-key-location and sync.server.auth.jwk-set-uri is set)");
			}
		}
		else {
			JwtDecoder decoder = jwtDecoders.getIfUnique();
			if (decoder != null) {
				builder.jwtDecoder(decoder);
				logger.info("The sync server verifies tokens with the application's JwtDecoder bean ({}){}",
						decoder.getClass().getName(), ((auth.getIssuer() != null)
								? " and requires the issuer " + auth.getIssuer() : "")
								+ ((auth.getAudience() != null) ? " and the audience " + auth.getAudience() : ""));
			}
			else if (jwtDecoders.stream().findAny().isPresent()) {
				throw new IllegalStateException("The sync server would verify tokens with the application's JwtDecoder "
						+ "bean, but there are several and none is @Primary: mark one @Primary, or set "
						+ "sync.server.auth.hmac-secret, sync.server.auth.public-key-location or "
						+ "sync.server.auth.jwk-set-uri");
			}
			else if (!properties.isAllowAnonymous()) {
				throw new IllegalStateException("The sync server has no authentication: set "
						+ "sync.server.auth.hmac-secret, sync.server.auth.public-key-location or "
						+ "sync.server.auth.jwk-set-uri, or define a JwtDecoder bean, or set "
						+ "sync.server.allow-anonymous=true to run without authentication (development only)");
			}
		}
		String issuer = auth.getIssuer();
		if (issuer != null) {
			builder.issuer(issuer);
		}
		String audience = auth.getAudience();
		if (audience != null) {
			builder.audience(audience);
		}
		for (Map.Entry<String, String> apiKey : auth.getApiKeys().entrySet()) {
			builder.apiKey(apiKey.getValue(), apiKey.getKey());
		}
		builder.tokenTtl(auth.getTokenTtl());
		if (properties.isAllowAnonymous()) {
			builder.allowAnonymous();
		}
	}

	/**
	 * Fails on an API key property whose user id, written without brackets, binds as another id:
	 * the tokens issued for the key would carry that other subject. Reads the property names of the
	 * environment's enumerable sources (properties and YAML files, command line, system properties);
	 * names with brackets are kept as written and left alone.
	 * @throws IllegalStateException naming the property, both ids and the bracket form (not the key)
	 */
	static void checkApiKeyUserIds(Environment environment) {
		if (!(environment instanceof ConfigurableEnvironment configurable)) {
			return;
		}
		for (PropertySource<?> source : configurable.getPropertySources()) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					checkApiKeyUserId(name);
				}
			}
		}
	}

	private static void checkApiKeyUserId(String name) {
		if (!name.regionMatches(true, 0, "sync.server.auth.", 0, 17) || name.indexOf('[') >= 0
				|| !API_KEYS.isAncestorOf(ConfigurationPropertyName.adapt(name, '.'))) {
			return;
		}
		// the user id as written follows the prefix's elements, none of which holds a dot
		int start = -1;
		for (int i = 0; i < API_KEYS.getNumberOfElements(); i++) {
			start = name.indexOf('.', start + 1);
		}
		String written = name.substring(start + 1);
		Map<String, String> bound = new Binder(new MapConfigurationPropertySource(Map.of(name, "key")))
			.bind(API_KEYS, Bindable.mapOf(String.class, String.class))
			.orElse(Map.of());
		String userId = bound.isEmpty() ? "" : bound.keySet().iterator().next();
		if (!userId.equals(written)) {
			throw new IllegalStateException(name + " would issue tokens for the user id '" + userId + "', not '"
					+ written + "': Spring Boot keeps only ASCII letters, digits, '-', '_' and '.' of a map key "
					+ "written without brackets. Write the user id in brackets: sync.server.auth.api-keys.["
					+ written + "] (in YAML, quoted: \"[" + written + "]\")");
		}
	}

	/**
	 * Reads the RSA public key at {@code sync.server.auth.public-key-location}: a PEM-encoded X.509
	 * public key or certificate.
	 * @throws InvalidConfigurationPropertyValueException if it does not exist, cannot be read, or is
	 * not an RSA public key
	 */
	static RSAPublicKey readPublicKey(Resource location) {
		if (!location.exists()) {
			throw new InvalidConfigurationPropertyValueException(PUBLIC_KEY_LOCATION, location,
					"Public key location does not exist");
		}
		RSAPublicKey key;
		try (InputStream in = location.getInputStream()) {
			key = RsaKeyConverters.x509().convert(in);
		}
		catch (IOException | UncheckedIOException ex) {
			throw new InvalidConfigurationPropertyValueException(PUBLIC_KEY_LOCATION, location,
					"Public key location cannot be read: " + ex.getMessage());
		}
		catch (IllegalArgumentException | ClassCastException ex) { // an EC certificate fails with the latter
			throw new InvalidConfigurationPropertyValueException(PUBLIC_KEY_LOCATION, location,
					"Not a PEM-encoded X.509 RSA public key ('-----BEGIN PUBLIC KEY-----') or certificate: "
							+ ex.getMessage());
		}
		if (key == null) {
			throw new InvalidConfigurationPropertyValueException(PUBLIC_KEY_LOCATION, location,
					"Not a PEM-encoded X.509 RSA public key ('-----BEGIN PUBLIC KEY-----') or certificate");
		}
		return key;
	}

	private static @Nullable SyncPermissions fromProperties(SyncServerProperties.Permissions permissions) {
		if (!permissions.isConfigured()) {
			return null;
		}
		SyncPermissions.Builder builder = SyncPermissions.builder();
		permissions.getReadWrite().forEach(builder::readWrite);
		permissions.getRead().forEach(builder::read);
		return builder.build();
	}

	/**
	 * {@code sync.server.small-connection-buffers=true}: the buffer sizes the standalone server
	 * ships with, on the application's Tomcat (see {@code docs/server-notes.md}).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ConfigurableTomcatWebServerFactory.class)
	@ConditionalOnBooleanProperty("sync.server.small-connection-buffers")
	static class SmallConnectionBuffersConfiguration {

		static final String BUFFER_BYTES = "1024";

		@Bean
		WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> syncServerSmallConnectionBuffers() {
			return factory -> {
				factory.addConnectorCustomizers(connector -> {
					connector.setProperty("socket.appReadBufSize", BUFFER_BYTES);
					connector.setProperty("socket.appWriteBufSize", BUFFER_BYTES);
					connector.setProperty("socket.bufferPool", "64");
				});
				// the sync handler takes partial messages and assembles them itself
				factory.addContextCustomizers(context -> {
					context.addParameter("org.apache.tomcat.websocket.textBufferSize", BUFFER_BYTES);
					context.addParameter("org.apache.tomcat.websocket.binaryBufferSize", BUFFER_BYTES);
				});
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebSocket
	static class SyncServerWebSocketConfiguration {

		@Bean
		WebSocketConfigurer syncServerWebSocketConfigurer(SyncServerEngine engine, SyncServerProperties properties) {
			return registry -> {
				WebSocketHandlerRegistration registration = registry
					.addHandler(engine.webSocketHandler(), properties.getPath())
					.addInterceptors(engine.handshakeInterceptor());
				if (!properties.getAllowedOrigins().isEmpty()) {
					registration.setAllowedOrigins(properties.getAllowedOrigins().toArray(String[]::new));
				}
			};
		}

		@Bean
		SimpleUrlHandlerMapping syncServerTokenEndpointMapping(SyncServerEngine engine,
				SyncServerProperties properties) {
			String path = properties.getPath().endsWith("/") ? properties.getPath() : properties.getPath() + "/";
			SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(
					Map.of(path + "auth/token", engine.tokenEndpoint()));
			mapping.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
			return mapping;
		}

	}

}
