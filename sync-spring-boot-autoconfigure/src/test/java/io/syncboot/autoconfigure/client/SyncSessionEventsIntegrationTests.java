package io.syncboot.autoconfigure.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.syncboot.autoconfigure.event.SyncChangesReceivedEvent;
import io.syncboot.autoconfigure.event.SyncClientResetEvent;
import io.syncboot.autoconfigure.event.SyncConnectionStateChangedEvent;
import io.syncboot.autoconfigure.event.SyncErrorEvent;
import io.syncboot.autoconfigure.event.SyncEvent;
import io.syncboot.autoconfigure.event.SyncProgressEvent;
import io.syncboot.autoconfigure.event.SyncSessionStateChangedEvent;
import io.syncboot.autoconfigure.event.SyncUploadCompletedEvent;
import io.syncboot.autoconfigure.health.SyncHealthIndicator;
import io.syncboot.client.ClientResetMode;
import io.syncboot.client.ConnectionState;
import io.syncboot.client.ErrorAction;
import io.syncboot.client.ProgressDirection;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncErrorHandler;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import io.syncboot.server.SyncServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The auto-configured sessions against a real sync server: application events, the error handler
 * bean and the derived status.
 */
class SyncSessionEventsIntegrationTests {

	@TempDir
	Path temp;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncClientAutoConfiguration.class));

	@Test
	void sessionsKeepSyncingThroughAPauseOfTheContext() {
		// the test framework pauses a cached context while another test class runs, then restarts it
		try (SyncServer server = server(0, "server")) {
			this.runner
				.withPropertyValues("sync.server-url=" + server.url(), "sync.base-directory=" + this.temp.resolve("c"),
						"sync.sessions.orders.partition=orders")
				.run(context -> {
					SyncSessions sessions = context.getBean(SyncSessions.class);
					SyncSession session = sessions.session("orders");
					await().until(() -> session.connectionState() == ConnectionState.CONNECTED);
					ConfigurableApplicationContext source = (ConfigurableApplicationContext) context
						.getSourceApplicationContext();
					source.pause();
					source.restart();
					assertThat(sessions.database("orders").isClosed()).isFalse();
					assertThat(session.state()).isEqualTo(SyncSessionState.ACTIVE);
					sessions.database("orders").collection("tasks").put("t1", Map.of("title", "after the pause"));
					assertThat(session.uploadAllLocalChanges(Duration.ofSeconds(20))).isTrue();
				});
		}
	}

	@Test
	void publishesEventsAsTheSessionSyncs() {
		try (SyncServer server = server(0, "server")) {
			Events events = new Events();
			this.runner
				.withPropertyValues("sync.server-url=" + server.url(), "sync.base-directory=" + this.temp.resolve("c"),
						"sync.sessions.orders.partition=orders", "sync.events.progress-interval=1h")
				.withBean("recorder", Events.class, () -> events)
				.run(context -> {
					SyncSessions sessions = context.getBean(SyncSessions.class);
					await().until(() -> events.has(SyncConnectionStateChangedEvent.class,
							e -> e.newState() == ConnectionState.CONNECTED && e.sessionName().equals("orders")));
					// the session was suspended while the context was refreshed: not published
					assertThat(events.of(SyncSessionStateChangedEvent.class)).first().satisfies(e -> {
						assertThat(e.oldState()).isEqualTo(SyncSessionState.INACTIVE);
						assertThat(e.newState()).isEqualTo(SyncSessionState.ACTIVE);
					});
					sessions.database("orders").collection("tasks").put("t1", Map.of("title", "Count stock"));
					await().until(() -> events.has(SyncUploadCompletedEvent.class, e -> !e.latency().isNegative()));
					await().until(() -> events.has(SyncProgressEvent.class,
							e -> e.direction() == ProgressDirection.UPLOAD && e.progress().isTransferComplete()
									&& e.progress().transferredBytes() > 0));
					// rate limited: with an interval of one hour only the first report and completions pass
					assertThat(events.of(SyncProgressEvent.class)
						.stream()
						.filter(e -> e.direction() == ProgressDirection.UPLOAD && !e.progress().isTransferComplete()))
						.hasSizeLessThanOrEqualTo(1);
					await().until(() -> sessions.transferredBytes("orders", ProgressDirection.UPLOAD) > 0);
					SyncSessionStatus status = sessions.status("orders").orElseThrow();
					assertThat(status.lastSyncedAt()).isNotNull();
					assertThat(status.pendingChanges()).isZero();
					assertThat(status.upload()).isNotNull();
					assertThat(status.upload().transferredBytes()).isPositive();
					assertThat(status.disconnectedSince()).isNull();
					assertThat(events.of(SyncChangesReceivedEvent.class)).as("no other client wrote yet").isEmpty();

					Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
					try (SyncManager other = SyncManager.create(SyncClientSettings.builder()
						.serverUrl(server.url())
						.baseDirectory(this.temp.resolve("other"))
						.build())) {
						SyncDatabase theirs = other
							.open(SyncConfiguration.builder(other.logIn(SyncCredentials.anonymous()), "orders").build());
						theirs.collection("tasks").put("t2", Map.of("title", "Order"));
						await().until(() -> events.has(SyncChangesReceivedEvent.class, e -> true));
					}
					Instant after = Instant.now();
					assertThat(events.of(SyncChangesReceivedEvent.class)).singleElement().satisfies(e -> {
						assertThat(e.sessionName()).isEqualTo("orders");
						assertThat(e.writtenAt()).isBetween(before, after);
						assertThat(e.latency()).isBetween(Duration.ZERO, Duration.between(before, after));
					});
					sessions.session("orders").suspend();
					await().until(() -> events.has(SyncSessionStateChangedEvent.class,
							e -> e.newState() == SyncSessionState.INACTIVE));
				});
		}
	}

	@Test
	void progressEventsCanBeSwitchedOff() {
		try (SyncServer server = server(0, "server")) {
			Events events = new Events();
			this.runner
				.withPropertyValues("sync.server-url=" + server.url(), "sync.base-directory=" + this.temp.resolve("c"),
						"sync.sessions.orders.partition=orders", "sync.events.progress=false")
				.withBean("recorder", Events.class, () -> events)
				.run(context -> {
					SyncSessions sessions = context.getBean(SyncSessions.class);
					sessions.database("orders").collection("tasks").put("t1", Map.of("title", "Count stock"));
					await().until(() -> events.has(SyncUploadCompletedEvent.class, e -> true));
					// the progress is still tracked, only not published
					await().until(() -> sessions.transferredBytes("orders", ProgressDirection.UPLOAD) > 0);
					assertThat(events.of(SyncProgressEvent.class)).isEmpty();
				});
		}
	}

	@Test
	void errorsReachTheErrorHandlerBeanAndTheEvents() {
		List<SyncError> handled = new CopyOnWriteArrayList<>();
		SyncErrorHandler handler = (session, error) -> handled.add(error);
		Events events = new Events();
		SyncServer first = server(0, "first");
		int port = first.port();
		this.runner
			.withPropertyValues("sync.server-url=" + first.url(), "sync.base-directory=" + this.temp.resolve("c"),
					"sync.sessions.orders.partition=orders", "sync.reconnect.initial-delay=100ms",
					"sync.reconnect.max-delay=500ms")
			.withBean(SyncErrorHandler.class, () -> handler)
			.withBean("recorder", Events.class, () -> events)
			.run(context -> {
				SyncSessions sessions = context.getBean(SyncSessions.class);
				SyncSession orders = sessions.session("orders");
				sessions.database("orders").collection("tasks").put("t1", Map.of("title", "Count stock"));
				assertThat(orders.uploadAllLocalChanges(Duration.ofSeconds(20))).isTrue();
				first.close();
				// The server's data is gone: the client's file id is unknown to the new one.
				try (SyncServer second = server(port, "second")) {
					await().atMost(Duration.ofSeconds(30)).until(() -> !handled.isEmpty());
					SyncError error = handled.get(0);
					assertThat(error.action()).isEqualTo(ErrorAction.CLIENT_RESET);
					assertThat(events.has(SyncErrorEvent.class, e -> e.error() == error)).isTrue();
					assertThat(events.has(SyncClientResetEvent.class, e -> e.error() == error)).isTrue();
					SyncSessionStatus.ReportedError last = sessions.status("orders").orElseThrow().lastError();
					assertThat(last).isNotNull();
					assertThat(last.code()).isEqualTo(error.code());
					assertThat(last.action()).isEqualTo(ErrorAction.CLIENT_RESET);
					if (error.isFatal()) {
						await().until(() -> orders.state() == SyncSessionState.INVALID);
					}
				}
			});
	}

	@Test
	void aManualClientResetCarriedOutByTheDefaultHandlerKeepsTheSessionBeansSyncing() {
		Events events = new Events();
		SyncServer first = server(0, "first");
		int port = first.port();
		this.runner
			.withPropertyValues("sync.server-url=" + first.url(), "sync.base-directory=" + this.temp.resolve("c"),
					"sync.sessions.orders.partition=orders", "sync.client-reset-mode=manual",
					"sync.errors.handle-actions=true", "sync.reconnect.initial-delay=100ms",
					"sync.reconnect.max-delay=500ms")
			.withBean("recorder", Events.class, () -> events)
			.run(context -> {
				SyncDatabase database = context.getBean("ordersSyncDatabase", SyncDatabase.class);
				SyncSession session = context.getBean("ordersSyncSession", SyncSession.class);
				List<String> remote = new CopyOnWriteArrayList<>();
				database.addChangeListener(change -> {
					if (change.remote()) {
						change.changes().values().forEach(remote::addAll);
					}
				});
				database.collection("tasks").put("t1", Map.of("title", "Count stock"));
				assertThat(session.uploadAllLocalChanges(Duration.ofSeconds(20))).isTrue();
				first.close();
				database.collection("tasks").put("t2", Map.of("title", "written offline"));
				// The server's data is gone: the client's file id is unknown to the new one.
				try (SyncServer second = server(port, "second")) {
					await().atMost(Duration.ofSeconds(30)).until(() -> events.has(SyncClientResetEvent.class, e -> true));
					SyncClientResetEvent reset = events.of(SyncClientResetEvent.class).get(0);
					assertThat(reset.mode()).isEqualTo(ClientResetMode.MANUAL);
					assertThat(reset.error().isFatal()).isTrue();
					assertThat(reset.error().actionToken()).isPresent();
					Path backup = reset.backupPath().orElseThrow();
					// the default handler ran the token: backed up, and the same beans sync afresh
					await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(backup)
							&& session.state() == SyncSessionState.ACTIVE
							&& session.connectionState() == ConnectionState.CONNECTED);
					assertThat(events.has(SyncSessionStateChangedEvent.class,
							e -> e.newState() == SyncSessionState.INACTIVE)).isTrue();
					assertThat(events.has(SyncSessionStateChangedEvent.class,
							e -> e.newState() == SyncSessionState.INVALID)).isFalse();
					assertThat(database.isClosed()).isFalse();
					assertThat(database.pendingChanges()).isZero();
					assertThat(database.collection("tasks").get("t1")).isEmpty();

					try (SyncManager other = SyncManager.create(SyncClientSettings.builder()
						.serverUrl(second.url())
						.baseDirectory(this.temp.resolve("other"))
						.build())) {
						SyncDatabase theirs = other
							.open(SyncConfiguration.builder(other.logIn(SyncCredentials.anonymous()), "orders").build());
						theirs.collection("tasks").put("t3", Map.of("title", "on the new server"));
						assertThat(other.sessionFor(theirs).orElseThrow().uploadAllLocalChanges(Duration.ofSeconds(20)))
							.isTrue();
						await().atMost(Duration.ofSeconds(30))
							.until(() -> database.collection("tasks").get("t3").isPresent());
						assertThat(remote).contains("t3");
						database.collection("tasks").put("t4", Map.of("title", "after the reset"));
						assertThat(session.uploadAllLocalChanges(Duration.ofSeconds(20))).isTrue();
						assertThat(other.sessionFor(theirs).orElseThrow().downloadAllServerChanges(Duration.ofSeconds(20)))
							.isTrue();
						assertThat(theirs.collection("tasks").get("t4")).isPresent();
					}
					assertThat(context.getBean(SyncSessions.class).database("orders")).isSameAs(database);
					assertThat(context.getBean(SyncSessions.class).status("orders").orElseThrow().state())
						.isEqualTo(SyncSessionState.ACTIVE);
					assertThat(events.of(SyncClientResetEvent.class)).hasSize(1);
				}
			});
	}

	@Test
	void aManualClientResetLeftToTheApplicationKeepsTheSessionInactiveAndHealthDownUntilItsTokenRuns() {
		List<SyncError> handled = new CopyOnWriteArrayList<>();
		SyncServer first = server(0, "first");
		int port = first.port();
		this.runner
			.withPropertyValues("sync.server-url=" + first.url(), "sync.base-directory=" + this.temp.resolve("c"),
					"sync.sessions.orders.partition=orders", "sync.client-reset-mode=manual",
					"sync.reconnect.initial-delay=100ms", "sync.reconnect.max-delay=500ms")
			.withBean(SyncErrorHandler.class, () -> (session, error) -> handled.add(error))
			.run(context -> {
				SyncSessions sessions = context.getBean(SyncSessions.class);
				SyncSession session = sessions.session("orders");
				SyncHealthIndicator health = new SyncHealthIndicator(sessions, Duration.ofMinutes(1));
				sessions.database("orders").collection("tasks").put("t1", Map.of("title", "Count stock"));
				assertThat(session.uploadAllLocalChanges(Duration.ofSeconds(20))).isTrue();
				assertThat(sessions.status("orders").orElseThrow().resetPending()).isFalse();
				first.close();
				try (SyncServer second = server(port, "second")) {
					await().atMost(Duration.ofSeconds(30)).until(() -> !handled.isEmpty()
							&& sessions.status("orders").orElseThrow().resetPending());
					assertThat(session.state()).isEqualTo(SyncSessionState.INACTIVE);
					assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
					assertThat(sessions.database("orders").collection("tasks").get("t1")).isPresent();

					context.getBean(SyncManager.class).immediatelyHandleError(handled.get(0).actionToken().orElseThrow());

					await().atMost(Duration.ofSeconds(30)).until(() -> session.state() == SyncSessionState.ACTIVE
							&& session.connectionState() == ConnectionState.CONNECTED);
					await().until(() -> !sessions.status("orders").orElseThrow().resetPending());
					assertThat(health.health().getStatus()).isEqualTo(Status.UP);
					assertThat(session.downloadAllServerChanges(Duration.ofSeconds(20))).isTrue();
					assertThat(sessions.database("orders").collection("tasks").get("t1")).isEmpty();
				}
			});
	}

	private SyncServer server(int port, String directory) {
		return SyncServer.builder().port(port).dataDirectory(this.temp.resolve(directory)).allowAnonymous().build()
			.start();
	}

	static final class Events implements ApplicationListener<SyncEvent> {

		private final List<SyncEvent> received = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(SyncEvent event) {
			this.received.add(event);
		}

		<E extends SyncEvent> List<E> of(Class<E> type) {
			return this.received.stream().filter(type::isInstance).map(type::cast).toList();
		}

		<E extends SyncEvent> boolean has(Class<E> type, java.util.function.Predicate<E> condition) {
			return of(type).stream().anyMatch(condition);
		}

	}

}
