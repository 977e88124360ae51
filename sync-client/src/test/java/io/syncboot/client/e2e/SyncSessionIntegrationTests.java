package io.syncboot.client.e2e;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.syncboot.client.ClientResetMode;
import io.syncboot.client.ConnectionState;
import io.syncboot.client.ErrorAction;
import io.syncboot.client.StopPolicy;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import io.syncboot.client.SyncUser;
import io.syncboot.server.SyncServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.syncboot.client.e2e.SyncTestSupport.LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Session and connection behaviour against a real server: states, listeners, stop policies,
 * reconnects, keepalive, multiplexing and fatal errors.
 */
class SyncSessionIntegrationTests {

	@TempDir
	Path serverDir;

	@TempDir
	Path otherServerDir;

	@TempDir
	Path dirA;

	@TempDir
	Path dirB;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void closeAll() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	private <T extends AutoCloseable> T track(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	private SyncServer server(Path dir, int port) {
		return track(SyncTestSupport.startServer(dir, port));
	}

	private SyncManager manager(SyncClientSettings settings) {
		return track(SyncManager.create(settings));
	}

	private static SyncConfiguration.Builder config(SyncManager manager, String partition) {
		SyncUser user = manager.logIn(SyncCredentials.anonymous());
		return SyncConfiguration.builder(user, partition);
	}

	private record Transition(ConnectionState from, ConnectionState to, Throwable error, String thread) {
	}

	@Test
	void suspendAndResumeDriveBothStateMachinesAndListenersFireOnlyOnChange() {
		SyncServer server = server(this.serverDir, 0);
		SyncManager manager = manager(SyncTestSupport.settings(server.url(), this.dirA));
		SyncDatabase db = manager.open(config(manager, "p").build());
		SyncSession session = manager.sessionFor(db).orElseThrow();
		await().atMost(LONG).until(() -> session.connectionState() == ConnectionState.CONNECTED);
		List<String> states = new CopyOnWriteArrayList<>();
		List<Transition> connections = new CopyOnWriteArrayList<>();
		session.addStateListener((from, to) -> states.add(from + "->" + to));
		session.addConnectionStateListener(
				(from, to, error) -> connections.add(new Transition(from, to, error, Thread.currentThread().getName())));

		session.suspend();
		session.suspend();
		assertThat(session.state()).isEqualTo(SyncSessionState.INACTIVE);
		await().atMost(LONG).until(() -> session.connectionState() == ConnectionState.DISCONNECTED);
		CompletableFuture<Void> download = session.waitForDownloadCompletion();
		db.collection("c").put("x", Map.of("v", 1));
		CompletableFuture<Void> upload = session.waitForUploadCompletion();
		assertThat(download).isNotDone();
		assertThat(upload).isNotDone();

		session.resume();
		session.resume();
		await().atMost(LONG).until(() -> session.connectionState() == ConnectionState.CONNECTED);
		assertThat(download).succeedsWithin(LONG);
		assertThat(upload).succeedsWithin(LONG);

		await().until(() -> states.size() == 2 && connections.size() == 3);
		assertThat(states).containsExactly("ACTIVE->INACTIVE", "INACTIVE->ACTIVE");
		assertThat(connections).extracting(t -> t.from() + "->" + t.to())
			.containsExactly("CONNECTED->DISCONNECTED", "DISCONNECTED->CONNECTING", "CONNECTING->CONNECTED");
		assertThat(connections).allSatisfy(t -> {
			assertThat(t.error()).isNull();
			assertThat(t.thread()).startsWith("syncboot-notify-");
		});
	}

	@Test
	void theOutboxSurvivesARestartOfTheClient() {
		SyncServer server = server(this.serverDir, 0);
		SyncClientSettings settingsA = SyncTestSupport.settings(server.url(), this.dirA);
		SyncManager first = SyncManager.create(settingsA);
		SyncDatabase db = first.open(config(first, "p").build());
		first.sessionFor(db).orElseThrow().suspend();
		for (int i = 0; i < 10; i++) {
			db.collection("c").put("d" + i, Map.of("i", i));
		}
		first.close();

		SyncManager second = manager(settingsA);
		SyncDatabase reopened = second.open(config(second, "p").build());
		assertThat(reopened.pendingChanges()).isEqualTo(10);
		assertThat(second.sessionFor(reopened).orElseThrow().uploadAllLocalChanges(LONG)).isTrue();
		assertThat(reopened.pendingChanges()).isZero();

		SyncManager other = manager(SyncTestSupport.settings(server.url(), this.dirB));
		SyncDatabase onB = other.open(config(other, "p").build());
		assertThat(other.sessionFor(onB).orElseThrow().downloadAllServerChanges(LONG)).isTrue();
		assertThat(onB.collection("c").count()).isEqualTo(10);
	}

	@Test
	void stopPoliciesDecideWhatClosingTheDatabaseDoes() {
		SyncServer server = server(this.serverDir, 0);
		int port = server.port();
		SyncManager manager = manager(SyncTestSupport.settings(server.url(), this.dirA));
		SyncDatabase dying = manager.open(config(manager, "dying").build());
		SyncDatabase immediate = manager.open(config(manager, "immediate").stopPolicy(StopPolicy.IMMEDIATELY).build());
		SyncSession dyingSession = manager.sessionFor(dying).orElseThrow();
		SyncSession immediateSession = manager.sessionFor(immediate).orElseThrow();
		await().atMost(LONG).until(() -> dyingSession.connectionState() == ConnectionState.CONNECTED);

		server.close();
		dying.collection("c").put("x", Map.of("v", 1));
		immediate.collection("c").put("y", Map.of("v", 2));
		dying.close();
		immediate.close();

		assertThat(dyingSession.state()).isEqualTo(SyncSessionState.DYING);
		assertThat(immediateSession.state()).isEqualTo(SyncSessionState.INACTIVE);
		assertThat(immediateSession.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);

		SyncServer restarted = server(this.serverDir, port);
		await().atMost(LONG).until(() -> dyingSession.state() == SyncSessionState.INACTIVE);
		await().atMost(LONG).until(() -> dyingSession.connectionState() == ConnectionState.DISCONNECTED);

		SyncManager other = manager(SyncTestSupport.settings(restarted.url(), this.dirB));
		SyncDatabase onB = other.open(config(other, "dying").build());
		assertThat(other.sessionFor(onB).orElseThrow().downloadAllServerChanges(LONG)).isTrue();
		assertThat(onB.collection("c").get("x")).isPresent();
		SyncDatabase immediateOnB = other.open(config(other, "immediate").build());
		assertThat(other.sessionFor(immediateOnB).orElseThrow().downloadAllServerChanges(LONG)).isTrue();
		assertThat(immediateOnB.collection("c").get("y")).isEmpty();
	}

	@Test
	void reconnectsWithBackoffWhileTheServerIsUnreachable() throws Exception {
		int port;
		try (ServerSocket probe = new ServerSocket(0)) {
			port = probe.getLocalPort();
		}
		SyncClientSettings settings = SyncClientSettings.builder()
			.serverUrl(java.net.URI.create("ws://localhost:" + port + "/sync"))
			.baseDirectory(this.dirA)
			.reconnectInitialDelay(Duration.ofMillis(50))
			.reconnectMaxDelay(Duration.ofMillis(200))
			.build();
		SyncManager manager = manager(settings);
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		SyncDatabase db = manager.open(config(manager, "p").errorHandler((s, e) -> errors.add(e)).build());
		SyncSession session = manager.sessionFor(db).orElseThrow();
		List<Transition> connections = new CopyOnWriteArrayList<>();
		session.addConnectionStateListener((from, to, error) -> connections.add(new Transition(from, to, error, "")));

		await().atMost(LONG).until(() -> connections.stream().filter(t -> t.to() == ConnectionState.CONNECTING).count() >= 3);
		assertThat(connections).filteredOn(t -> t.to() == ConnectionState.DISCONNECTED)
			.allSatisfy(t -> assertThat(t.error()).isNotNull());
		assertThat(session.state()).isEqualTo(SyncSessionState.ACTIVE);
		db.collection("c").put("x", Map.of("v", 1));

		server(this.serverDir, port);
		session.reconnect();
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(session.connectionState()).isEqualTo(ConnectionState.CONNECTED);
		assertThat(errors).isEmpty();
	}

	@Test
	void keepalivePongsKeepTheConnectionUp() throws Exception {
		SyncServer server = server(this.serverDir, 0);
		SyncClientSettings settings = SyncClientSettings.builder()
			.serverUrl(server.url())
			.baseDirectory(this.dirA)
			.pingInterval(Duration.ofMillis(100))
			.pongTimeout(Duration.ofSeconds(3)) // a pause of the JVM or the machine shorter than this is no loss
			.build();
		SyncManager manager = manager(settings);
		SyncDatabase db = manager.open(config(manager, "p").build());
		SyncSession session = manager.sessionFor(db).orElseThrow();
		await().atMost(LONG).until(() -> session.connectionState() == ConnectionState.CONNECTED);
		List<Transition> connections = new CopyOnWriteArrayList<>();
		session.addConnectionStateListener((from, to, error) -> connections.add(new Transition(from, to, error, "")));

		Thread.sleep(6500); // twice the pong timeout: without the pongs the connection would have been closed

		assertThat(connections).isEmpty();
		assertThat(session.connectionState()).isEqualTo(ConnectionState.CONNECTED);
	}

	@Test
	void sessionsOfOneUserShareOneConnectionUnlessMultiplexingIsOff() {
		SyncServer server = server(this.serverDir, 0);
		SyncManager shared = manager(SyncTestSupport.settings(server.url(), this.dirA));
		List<SyncSession> sessions = new ArrayList<>();
		for (String partition : List.of("p1", "p2", "p3")) {
			sessions.add(shared.sessionFor(shared.open(config(shared, partition).build())).orElseThrow());
		}
		sessions.forEach(s -> assertThat(s.downloadAllServerChanges(LONG)).isTrue());
		assertThat(server.connectionCount()).isEqualTo(1);

		SyncClientSettings separate = SyncClientSettings.builder()
			.serverUrl(server.url())
			.baseDirectory(this.dirB)
			.multiplex(false)
			.build();
		SyncManager single = manager(separate);
		for (String partition : List.of("p1", "p2")) {
			SyncSession session = single.sessionFor(single.open(config(single, partition).build())).orElseThrow();
			assertThat(session.downloadAllServerChanges(LONG)).isTrue();
		}
		assertThat(server.connectionCount()).isEqualTo(3);
	}

	@Test
	void aFatalClientResetLeftToTheApplicationStopsTheSessionAndIsReportedOnce() throws Exception {
		SyncServer first = server(this.serverDir, 0);
		int port = first.port();
		SyncManager manager = manager(SyncTestSupport.settings(first.url(), this.dirA));
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		List<String> handlerThreads = new CopyOnWriteArrayList<>();
		// MANUAL: the reset is left to the application, so the session stops, inactive until the action
		// token runs (a fatal error no action repairs makes it INVALID: AuthIntegrationTests; the
		// automatic modes and the token are covered by ClientResetIntegrationTests)
		SyncDatabase db = manager.open(config(manager, "p").clientResetMode(ClientResetMode.MANUAL).errorHandler((s, e) -> {
			errors.add(e);
			handlerThreads.add(Thread.currentThread().getName());
		}).build());
		SyncSession session = manager.sessionFor(db).orElseThrow();
		db.collection("c").put("x", Map.of("v", 1));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		CompletableFuture<Void> pending;

		first.close();
		session.suspend();
		pending = session.waitForDownloadCompletion();
		server(this.otherServerDir, port); // a wiped server: the client file is unknown to it
		session.resume();

		await().atMost(LONG).until(() -> !errors.isEmpty());
		assertThat(session.state()).isEqualTo(SyncSessionState.INACTIVE);
		assertThat(pending).failsWithin(LONG);
		Thread.sleep(500);
		assertThat(errors).singleElement().satisfies(error -> {
			assertThat(error.isFatal()).isTrue();
			assertThat(error.action()).isEqualTo(ErrorAction.CLIENT_RESET);
			assertThat(error.code()).isIn(208, 211);
			assertThat(error.actionToken()).isPresent();
			assertThat(error.backupPath()).isPresent();
		});
		assertThat(handlerThreads).allSatisfy(name -> assertThat(name).startsWith("syncboot-notify-"));
		assertThat(session.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
		assertThat(session.state()).isEqualTo(SyncSessionState.INACTIVE);
		assertThat(session.configuration()).isPresent();
		assertThat(db.collection("c").get("x")).isPresent();
	}

}
