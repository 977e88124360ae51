package io.syncboot.autoconfigure.client;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.syncboot.client.ClientResetMode;
import io.syncboot.client.StopPolicy;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncErrorHandler;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;

class SyncClientAutoConfigurationTests {

	@TempDir
	Path temp;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncClientAutoConfiguration.class));

	private ApplicationContextRunner withServer() {
		return this.runner.withPropertyValues("sync.server-url=ws://localhost:9/sync",
				"sync.base-directory=" + this.temp);
	}

	@Test
	void createsAManagerFromProperties() {
		withServer()
			.withPropertyValues("sync.reconnect.initial-delay=250ms", "sync.reconnect.max-delay=10s",
					"sync.reconnect.multiplier=3", "sync.reconnect.jitter=0.1", "sync.keepalive.ping-interval=5s",
					"sync.keepalive.pong-timeout=7s", "sync.connect-timeout=3s", "sync.multiplex=false",
					"sync.connection-linger=2s", "sync.max-message-size=1MB")
			.run(context -> {
				assertThat(context).hasSingleBean(SyncManager.class)
					.hasSingleBean(SyncSessions.class)
					.hasSingleBean(SyncSessionsLifecycle.class)
					.hasSingleBean(LoggingSyncErrorHandler.class);
				SyncClientSettings settings = context.getBean(SyncManager.class).settings();
				assertThat(settings.serverUrl()).hasToString("ws://localhost:9/sync");
				assertThat(settings.baseDirectory()).isEqualTo(this.temp);
				assertThat(settings.reconnectInitialDelay()).hasMillis(250);
				assertThat(settings.reconnectMaxDelay()).hasSeconds(10);
				assertThat(settings.reconnectMultiplier()).isEqualTo(3.0);
				assertThat(settings.reconnectJitter()).isEqualTo(0.1);
				assertThat(settings.pingInterval()).hasSeconds(5);
				assertThat(settings.pongTimeout()).hasSeconds(7);
				assertThat(settings.connectTimeout()).hasSeconds(3);
				assertThat(settings.multiplex()).isFalse();
				assertThat(settings.connectionLinger()).hasSeconds(2);
				assertThat(settings.maxMessageBytes()).isEqualTo(1024 * 1024);
				assertThat(context.getBean(SyncSessions.class).names()).isEmpty();
			});
	}

	@Test
	void defaultsMatchTheClientsDefaults() {
		withServer().run(context -> {
			SyncClientSettings settings = context.getBean(SyncManager.class).settings();
			SyncClientSettings defaults = SyncClientSettings.builder()
				.serverUrl(URI.create("ws://localhost:9/sync"))
				.baseDirectory(this.temp)
				.build();
			assertThat(settings.reconnectInitialDelay()).isEqualTo(defaults.reconnectInitialDelay());
			assertThat(settings.reconnectMaxDelay()).isEqualTo(defaults.reconnectMaxDelay());
			assertThat(settings.reconnectMultiplier()).isEqualTo(defaults.reconnectMultiplier());
			assertThat(settings.reconnectJitter()).isEqualTo(defaults.reconnectJitter());
			assertThat(settings.pingInterval()).isEqualTo(defaults.pingInterval());
			assertThat(settings.pongTimeout()).isEqualTo(defaults.pongTimeout());
			assertThat(settings.connectTimeout()).isEqualTo(defaults.connectTimeout());
			assertThat(settings.connectionLinger()).isEqualTo(defaults.connectionLinger());
			assertThat(settings.maxMessageBytes()).isEqualTo(defaults.maxMessageBytes());
			assertThat(settings.multiplex()).isEqualTo(defaults.multiplex());
		});
	}

	@Test
	void opensOneDatabaseAndSessionPerNamedSessionInjectableByQualifier() {
		withServer()
			.withPropertyValues("sync.sessions.orders.partition=store-42-orders",
					"sync.sessions.catalog.partition=catalog", "sync.sessions.catalog.stop-policy=immediately",
					"sync.sessions.catalog.client-reset-mode=manual", "sync.stop-policy=live-indefinitely")
			.run(context -> {
				assertThat(context).getBeans(SyncSession.class).hasSize(2);
				assertThat(context).getBeans(SyncDatabase.class).hasSize(2);
				SyncDatabase orders = qualified(context, SyncDatabase.class, "orders");
				SyncDatabase catalog = qualified(context, SyncDatabase.class, "catalog");
				assertThat(orders.configuration().partition()).isEqualTo("store-42-orders");
				assertThat(orders.configuration().stopPolicy()).isEqualTo(StopPolicy.LIVE_INDEFINITELY);
				assertThat(orders.configuration().clientResetMode()).isEqualTo(ClientResetMode.RECOVER_OR_DISCARD);
				assertThat(catalog.configuration().partition()).isEqualTo("catalog");
				assertThat(catalog.configuration().stopPolicy()).isEqualTo(StopPolicy.IMMEDIATELY);
				assertThat(catalog.configuration().clientResetMode()).isEqualTo(ClientResetMode.MANUAL);
				SyncManager manager = context.getBean(SyncManager.class);
				assertThat(qualified(context, SyncSession.class, "orders")).isSameAs(manager.sessionFor(orders).get());
				assertThat(qualified(context, SyncSession.class, "catalog"))
					.isSameAs(manager.sessionFor(catalog).get());
				SyncSessions sessions = context.getBean(SyncSessions.class);
				assertThat(sessions.names()).containsExactly("orders", "catalog");
				assertThat(sessions.database("orders")).isSameAs(orders);
				assertThat(orders.configuration().user().id()).isEqualTo("anonymous");
				// started with the context
				assertThat(sessions.session("orders").state()).isEqualTo(SyncSessionState.ACTIVE);
			});
	}

	@Test
	void acceptsAPongTimeoutShorterThanThePingInterval() {
		// the client counts the pong timeout from each ping, one ping at a time: any pair is consistent
		withServer().withPropertyValues("sync.keepalive.ping-interval=60s", "sync.keepalive.pong-timeout=10s")
			.run(context -> {
				SyncClientSettings settings = context.getBean(SyncManager.class).settings();
				assertThat(settings.pingInterval()).hasSeconds(60);
				assertThat(settings.pongTimeout()).hasSeconds(10);
			});
	}

	@Test
	void aSessionWithoutAutoStartStaysSuspended() {
		withServer().withPropertyValues("sync.sessions.orders.partition=orders", "sync.sessions.orders.auto-start=false")
			.run(context -> assertThat(context.getBean(SyncSessions.class).session("orders").state())
				.isEqualTo(SyncSessionState.INACTIVE));
	}

	@Test
	void aSessionNameWithADotWrittenInBracketsStaysWhole() {
		withServer().withPropertyValues("sync.sessions.[store-42.orders].partition=store-42.orders",
				"sync.sessions.plain.partition=plain")
			.run(context -> {
				assertThat(context).hasNotFailed();
				SyncSessions sessions = context.getBean(SyncSessions.class);
				assertThat(sessions.names()).containsExactly("store-42.orders", "plain");
				SyncDatabase database = BeanFactoryAnnotationUtils.qualifiedBeanOfType(context.getBeanFactory(),
						SyncDatabase.class, "store-42.orders");
				assertThat(database.configuration().partition()).isEqualTo("store-42.orders");
			});
	}

	@Test
	void sessionsCloseWhenTheContextCloses() {
		SyncDatabase[] database = new SyncDatabase[1];
		withServer().withPropertyValues("sync.sessions.orders.partition=orders", "sync.stop-policy=immediately")
			.run(context -> database[0] = context.getBean(SyncSessions.class).database("orders"));
		assertThat(database[0].isClosed()).isTrue();
	}

	@Test
	void sessionsCloseAfterWhatStopsWithTheWebServersGracefulShutdown() {
		// requests still running when the application stops may write: the databases stay open until
		// the web server's graceful shutdown (a lifecycle in its phase) has let them finish
		List<String> writes = new ArrayList<>();
		withServer().withPropertyValues("sync.sessions.orders.partition=orders", "sync.stop-policy=immediately")
			.withBean("inFlightRequest", SmartLifecycle.class, () -> new InFlightRequest(writes))
			.run(context -> ((InFlightRequest) context.getBean("inFlightRequest", SmartLifecycle.class))
				.database = context.getBean(SyncSessions.class).database("orders"));
		assertThat(writes).containsExactly("written while the web server drained");
	}

	/** Stands for a request in flight at shutdown: it writes when the graceful shutdown's phase stops. */
	private static final class InFlightRequest implements SmartLifecycle {

		private final List<String> writes;

		private volatile boolean running;

		private SyncDatabase database;

		InFlightRequest(List<String> writes) {
			this.writes = writes;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
			try {
				this.database.collection("orders").put("late", Map.of("n", 1));
				this.writes.add("written while the web server drained");
			}
			catch (IllegalStateException ex) {
				this.writes.add(ex.getMessage());
			}
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE;
		}

	}

	@Test
	void severalAccessTokenProviderBeansWithoutAPrimaryFailStartupRatherThanLogInAsSomeoneElse() {
		withServer().withPropertyValues("sync.sessions.orders.partition=orders", "sync.auth.token=" + jwt("from-props"))
			.withBean("first", SyncAccessTokenProvider.class, () -> () -> jwt("alice"))
			.withBean("second", SyncAccessTokenProvider.class, () -> () -> jwt("bob"))
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"there are several and none is @Primary"));
	}

	@Test
	void severalErrorHandlerBeansWithoutAPrimaryFailStartupRatherThanBeIgnored() {
		withServer().withPropertyValues("sync.sessions.orders.partition=orders")
			.withBean("first", SyncErrorHandler.class, () -> (session, error) -> {
			})
			.withBean("second", SyncErrorHandler.class, () -> (session, error) -> {
			})
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"SyncErrorHandler bean, but there are several and none is @Primary"));
		withServer().withPropertyValues("sync.sessions.orders.partition=orders")
			.withBean("first", SyncErrorHandler.class, () -> (session, error) -> {
			}, definition -> definition.setPrimary(true))
			.withBean("second", SyncErrorHandler.class, () -> (session, error) -> {
			})
			.run(context -> assertThat(context).hasNotFailed());
	}

	@Test
	void usesTheAccessTokenProviderBean() {
		withServer().withPropertyValues("sync.sessions.orders.partition=orders", "sync.auth.token=" + jwt("from-props"))
			.withBean(SyncAccessTokenProvider.class, () -> () -> jwt("alice"))
			.run(context -> assertThat(context.getBean(SyncSessions.class).database("orders").configuration().user().id())
				.isEqualTo("alice"));
	}

	@Test
	void usesTheConfiguredToken() {
		withServer().withPropertyValues("sync.sessions.orders.partition=orders", "sync.auth.token=" + jwt("bob"))
			.run(context -> assertThat(context.getBean(SyncSessions.class).database("orders").configuration().user().id())
				.isEqualTo("bob"));
	}

	@Test
	void appliesSettingsCustomizersInOrder() {
		withServer().withUserConfiguration(Customizers.class)
			.run(context -> assertThat(context.getBean(SyncManager.class).settings().connectTimeout()).hasSeconds(2));
	}

	@Test
	void backsOffWhenTheUserDefinesAManager() {
		withServer()
			.withBean("mine", SyncManager.class,
					() -> SyncManager.create(SyncClientSettings.builder()
						.serverUrl(URI.create("ws://localhost:10/sync"))
						.baseDirectory(this.temp.resolve("mine"))
						.build()),
					bd -> bd.setDestroyMethodName("close"))
			.run(context -> {
				assertThat(context).hasSingleBean(SyncManager.class);
				assertThat(context.getBean(SyncManager.class).settings().serverUrl())
					.hasToString("ws://localhost:10/sync");
			});
	}

	@Test
	void backsOffWhenTheUserDefinesAnErrorHandler() {
		SyncErrorHandler mine = (session, error) -> {
		};
		withServer().withBean(SyncErrorHandler.class, () -> mine).run(context -> {
			assertThat(context).hasSingleBean(SyncErrorHandler.class).doesNotHaveBean(LoggingSyncErrorHandler.class);
			assertThat(context.getBean(SyncErrorHandler.class)).isSameAs(mine);
		});
	}

	@Test
	void backsOffWithoutServerUrlOrSessions() {
		this.runner.run(context -> assertThat(context).doesNotHaveBean(SyncManager.class)
			.doesNotHaveBean(SyncSessions.class));
	}

	@Test
	void backsOffWhenDisabled() {
		withServer().withPropertyValues("sync.enabled=false", "sync.sessions.orders.partition=orders")
			.run(context -> assertThat(context).doesNotHaveBean(SyncManager.class).doesNotHaveBean(SyncSession.class));
	}

	@Test
	void backsOffWhenTheClientIsMissing() {
		withServer().withClassLoader(new FilteredClassLoader(SyncManager.class))
			.run(context -> assertThat(context).doesNotHaveBean(SyncManager.class));
	}

	@Test
	void failsWithoutServerUrlWhenSessionsAreConfigured() {
		this.runner.withPropertyValues("sync.sessions.orders.partition=orders", "sync.base-directory=" + this.temp)
			.run(context -> assertFailure(context, "sync.server-url must be set", "orders"));
	}

	@Test
	void failsOnAMalformedServerUrl() {
		this.runner.withPropertyValues("sync.server-url=localhost:8080", "sync.base-directory=" + this.temp)
			.run(context -> assertFailure(context, "sync.server-url", "localhost:8080"));
		this.runner.withPropertyValues("sync.server-url=http://example.com/sync", "sync.base-directory=" + this.temp)
			.run(context -> assertFailure(context, "sync.server-url", "http://example.com/sync"));
		this.runner.withPropertyValues("sync.server-url=ws://bad host/sync", "sync.base-directory=" + this.temp)
			.run(context -> assertFailure(context, "sync.server-url", "ws://bad%20host/sync"));
	}

	@Test
	void failsOnAnUnknownEnumValue() {
		withServer().withPropertyValues("sync.stop-policy=sometimes")
			.run(context -> assertFailure(context, "sync.stop-policy", "sometimes"));
		withServer().withPropertyValues("sync.sessions.orders.partition=orders",
				"sync.sessions.orders.client-reset-mode=undo")
			.run(context -> assertFailure(context, "sync.sessions.orders.client-reset-mode", "undo"));
	}

	@Test
	void failsOnANegativeDuration() {
		withServer().withPropertyValues("sync.reconnect.initial-delay=-1s")
			.run(context -> assertFailure(context, "sync.reconnect.initial-delay", "PT-1S"));
		withServer().withPropertyValues("sync.shutdown-timeout=-5s")
			.run(context -> assertFailure(context, "sync.shutdown-timeout", "PT-5S"));
		withServer().withPropertyValues("sync.health.disconnected-grace-period=-1m")
			.run(context -> assertFailure(context, "sync.health.disconnected-grace-period", "PT-1M"));
	}

	@Test
	void failsOnOtherBadValues() {
		withServer().withPropertyValues("sync.sessions.orders.stop-policy=immediately")
			.run(context -> assertFailure(context, "sync.sessions.orders.partition", "null"));
		withServer().withPropertyValues("sync.reconnect.jitter=1.5")
			.run(context -> assertFailure(context, "sync.reconnect.jitter", "1.5"));
		withServer().withPropertyValues("sync.max-message-size=1KB")
			.run(context -> assertFailure(context, "sync.max-message-size", "1024B"));
		withServer().withPropertyValues("sync.keepalive.ping-interval=0s")
			.run(context -> assertFailure(context, "sync.keepalive.ping-interval", "PT0S"));
		withServer().withPropertyValues("sync.auth.token=" + jwt("bob"), "sync.auth.api-key=k1")
			.run(context -> assertFailure(context, "sync.auth.token and sync.auth.api-key are both set"));
		withServer().withPropertyValues("sync.sessions.a.partition=same", "sync.sessions.b.partition=same")
			.run(context -> assertFailure(context, "sync.sessions.b.partition is also the partition of session 'a'"));
		withServer().withPropertyValues("sync.auth.token=garbage-secret")
			.run(context -> {
				assertFailure(context, "sync.auth.token must be a JWT");
				assertThat(context.getStartupFailure()).rootCause().message().doesNotContain("garbage-secret");
			});
	}

	@Test
	void failsNamingTheBaseDirectoryWhenItIsAFile() throws Exception {
		Path file = Files.writeString(this.temp.resolve("sync-data"), "not a directory");
		this.runner.withPropertyValues("sync.server-url=ws://localhost:9/sync", "sync.base-directory=" + file)
			.run(context -> assertFailure(context, "sync.base-directory", "'" + file + "'",
					"It is a file, not a directory"));
		Path below = file.resolve("client");
		this.runner.withPropertyValues("sync.server-url=ws://localhost:9/sync", "sync.base-directory=" + below)
			.run(context -> assertFailure(context, "sync.base-directory", "'" + below + "'",
					"The directory cannot be created"));
		// a relative path, as the default sync-data is, resolves against the working directory
		Path relative = Path.of("").toAbsolutePath().relativize(file);
		this.runner.withPropertyValues("sync.server-url=ws://localhost:9/sync", "sync.base-directory=" + relative)
			.run(context -> assertFailure(context, "sync.base-directory", "It is a file, not a directory"));
	}

	@Test
	void failsOnAnInvalidPartitionNamingTheKeyAndTheValue() {
		for (String partition : List.of("my tasks", "../etc", "a/b", "-tasks", ".tasks", "a..b", "tâches")) {
			withServer().withPropertyValues("sync.sessions.tasks.partition=" + partition)
				.run(context -> assertFailure(context,
						"sync.sessions.tasks.partition is not a valid partition name: invalid partition '" + partition
								+ "'",
						"starting with a letter or digit, without '..'"));
		}
		String tooLong = "p".repeat(257);
		withServer().withPropertyValues("sync.sessions.tasks.partition=" + tooLong)
			.run(context -> assertFailure(context, "sync.sessions.tasks.partition is not a valid partition name",
					"'" + "p".repeat(64) + "...'", "use 1 to 256 characters"));
	}

	@Test
	void acceptsPartitionNamesWithinTheDocumentedRule() {
		withServer()
			.withPropertyValues("sync.sessions.a.partition=" + "p".repeat(256), "sync.sessions.b.partition=7",
					"sync.sessions.c.partition=store-42.orders", "sync.sessions.d.partition=user@example.com",
					"sync.sessions.e.partition=Store_42:eu|n+1=2")
			.run(context -> assertThat(context).hasNotFailed());
	}

	static void assertFailure(AssertableApplicationContext context, String... fragments) {
		SyncClientAutoConfigurationTestSupport.assertFailure(context, fragments);
	}

	static <T> T qualified(AssertableApplicationContext context, Class<T> type, String qualifier) {
		return BeanFactoryAnnotationUtils.qualifiedBeanOfType(context.getBeanFactory(), type, qualifier);
	}

	static String jwt(String subject) {
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		return encoder.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
				+ encoder.encodeToString(("{\"sub\":\"" + subject + "\"}").getBytes(StandardCharsets.UTF_8)) + ".sig";
	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class Customizers {

		static final List<String> calls = new ArrayList<>();

		@org.springframework.context.annotation.Bean
		@Order(2)
		SyncClientSettingsCustomizer second() {
			return builder -> builder.connectTimeout(Duration.ofSeconds(2));
		}

		@org.springframework.context.annotation.Bean
		@Order(1)
		SyncClientSettingsCustomizer first() {
			return builder -> builder.connectTimeout(Duration.ofSeconds(1));
		}

	}

}
