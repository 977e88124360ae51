package io.syncboot.autoconfigure.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncErrorHandler;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncUser;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the SyncBoot client: a {@link SyncManager}
 * from {@code sync.*}, one {@link SyncDatabase} and one {@link SyncSession} per entry of
 * {@code sync.sessions} (qualified by name), the {@link SyncSessions} registry, the default
 * {@link SyncErrorHandler} and the lifecycle that starts and stops the sessions with the context.
 * Active when {@code sync.server-url} or {@code sync.sessions} is set, unless
 * {@code sync.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnClass(SyncManager.class)
@ConditionalOnBooleanProperty(name = "sync.enabled", matchIfMissing = true)
@Conditional(SyncClientCondition.class)
@EnableConfigurationProperties(SyncProperties.class)
@Import(SyncSessionBeansRegistrar.class)
public final class SyncClientAutoConfiguration {

	SyncClientAutoConfiguration() {
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	SyncManager syncManager(SyncProperties properties, ObjectProvider<SyncClientSettingsCustomizer> customizers) {
		SyncClientSettings.Builder builder = SyncClientSettings.builder()
			.baseDirectory(properties.getBaseDirectory())
			.reconnectInitialDelay(properties.getReconnect().getInitialDelay())
			.reconnectMultiplier(properties.getReconnect().getMultiplier())
			.reconnectMaxDelay(properties.getReconnect().getMaxDelay())
			.reconnectJitter(properties.getReconnect().getJitter())
			.connectTimeout(properties.getConnectTimeout())
			.pingInterval(properties.getKeepalive().getPingInterval())
			.pongTimeout(properties.getKeepalive().getPongTimeout())
			.connectionLinger(properties.getConnectionLinger())
			.multiplex(properties.isMultiplex())
			.maxMessageBytes((int) properties.getMaxMessageSize().toBytes());
		URI serverUrl = properties.getServerUrl();
		if (serverUrl != null) {
			builder.serverUrl(serverUrl);
		}
		customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
		SyncClientSettings settings = builder.build();
		try {
			return SyncManager.create(settings);
		}
		catch (UncheckedIOException ex) {
			Path directory = settings.baseDirectory();
			if (directory.equals(properties.getBaseDirectory().toAbsolutePath()) && !Files.isDirectory(directory)) {
				throw new InvalidConfigurationPropertyValueException("sync.base-directory", directory,
						unusableDirectory(directory, ex));
			}
			throw ex;
		}
	}

	private static String unusableDirectory(Path directory, UncheckedIOException ex) {
		if (Files.exists(directory)) {
			return "It is a file, not a directory: the local databases need a directory of their own";
		}
		IOException cause = ex.getCause();
		return "The directory cannot be created (" + cause.getClass().getSimpleName() + ": " + cause.getMessage()
				+ ")";
	}

	@Bean
	@ConditionalOnMissingBean
	SyncErrorHandler syncErrorHandler(ObjectProvider<SyncManager> manager, SyncProperties properties) {
		return new LoggingSyncErrorHandler(properties.getErrors().isHandleActions() ? manager::getObject : null);
	}

	@Bean
	SyncSessions syncSessions(SyncManager manager, SyncProperties properties,
			ObjectProvider<SyncAccessTokenProvider> tokenProvider, ObjectProvider<SyncErrorHandler> errorHandler,
			ApplicationEventPublisher publisher) {
		List<ManagedSession> sessions = new ArrayList<>();
		if (properties.getSessions().isEmpty()) {
			return new SyncSessions(sessions);
		}
		SyncUser user = manager.logIn(credentials(properties, tokenProvider));
		SyncErrorHandler handler = (session, error) -> errorHandler.getIfUnique(LoggingSyncErrorHandler::new)
			.handleError(session, error);
		try {
			properties.getSessions()
				.forEach((name, session) -> sessions.add(open(manager, user, name, session, properties, handler,
						publisher)));
		}
		catch (RuntimeException ex) {
			sessions.forEach(opened -> opened.database().close());
			throw ex;
		}
		return new SyncSessions(sessions);
	}

	/** Opens a session's database, suspended until the context starts, with its listeners in place. */
	private static ManagedSession open(SyncManager manager, SyncUser user, String name, SyncProperties.Session session,
			SyncProperties properties, SyncErrorHandler handler, ApplicationEventPublisher publisher) {
		ErrorRouter router = new ErrorRouter();
		SyncConfiguration configuration = SyncConfiguration.builder(user, session.getPartition())
			.stopPolicy(properties.stopPolicyOf(session))
			.clientResetMode(properties.clientResetModeOf(session))
			.errorHandler(router)
			.build();
		SyncDatabase database = manager.open(configuration);
		SyncSession syncSession = manager.sessionFor(database)
			.orElseThrow(() -> new IllegalStateException("no session for the database of '" + name + "'"));
		syncSession.suspend();
		Duration progressInterval = properties.getEvents().isProgress() ? properties.getEvents().getProgressInterval()
				: null;
		ManagedSession managed = new ManagedSession(name, database, syncSession, properties.clientResetModeOf(session),
				session.isAutoStart(), progressInterval, publisher, Clock.systemUTC());
		managed.errorHandler(handler);
		router.target = managed;
		managed.listen();
		return managed;
	}

	/**
	 * Fails startup when the application defines several {@link SyncErrorHandler} beans and none is
	 * {@code @Primary}: the sessions would fall back to logging, and both handlers would be ignored.
	 * Checked once every singleton exists (the handler itself is looked up per error, so that it may
	 * depend on the sessions).
	 */
	@Bean
	static SmartInitializingSingleton syncErrorHandlerCheck(ObjectProvider<SyncErrorHandler> errorHandler) {
		return () -> {
			if (errorHandler.getIfUnique() == null && errorHandler.stream().findAny().isPresent()) {
				throw new IllegalStateException("The sync sessions report errors to the application's SyncErrorHandler "
						+ "bean, but there are several and none is @Primary: mark one @Primary");
			}
		};
	}

	@Bean
	SyncSessionsLifecycle syncSessionsLifecycle(SyncSessions syncSessions, SyncProperties properties) {
		return new SyncSessionsLifecycle(syncSessions, properties.getShutdownTimeout());
	}

	/** The error handler of a session's configuration; routes to its managed session once that exists. */
	private static final class ErrorRouter implements SyncErrorHandler {

		private volatile @Nullable ManagedSession target;

		@Override
		public void handleError(SyncSession session, SyncError error) {
			ManagedSession managed = this.target;
			if (managed != null) {
				managed.handleError(session, error);
			}
		}

	}

	private static SyncCredentials credentials(SyncProperties properties,
			ObjectProvider<SyncAccessTokenProvider> tokenProvider) {
		SyncAccessTokenProvider provider = tokenProvider.getIfUnique();
		if (provider != null) {
			return SyncCredentials.tokenProvider(provider::accessToken);
		}
		if (tokenProvider.stream().findAny().isPresent()) {
			// several, none @Primary: falling back to sync.auth.* would log in as another user, or anonymously
			throw new IllegalStateException("The sync sessions would log in with the application's "
					+ "SyncAccessTokenProvider bean, but there are several and none is @Primary: mark one @Primary");
		}
		String token = properties.getAuth().getToken();
		if (token != null) {
			return SyncCredentials.token(token);
		}
		String apiKey = properties.getAuth().getApiKey();
		if (apiKey != null) {
			// exchanged by the client at the server URL's token endpoint; offline, a key that logged in
			// under this base directory before logs in as the same user
			return SyncCredentials.apiKey(apiKey);
		}
		return SyncCredentials.anonymous();
	}

}
