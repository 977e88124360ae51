package io.syncboot.client.e2e;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.syncboot.client.ConnectionState;
import io.syncboot.client.StopPolicy;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.server.SyncServer;
import io.syncboot.test.proxy.FaultProxy;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connection state events, multiplexing, keepalive and reconnect against a real server, with
 * faults injected by a {@link FaultProxy}.
 */
class ConnectionIntegrationTests extends SyncFixture {

	/**
	 * Every change continues from the state the previous one ended in (so there are no duplicates),
	 * and carries an error iff it is a change to DISCONNECTED caused by one.
	 */
	private static void assertWellFormed(List<Change> changes, boolean disconnectsAreErrors) {
		for (int i = 0; i < changes.size(); i++) {
			Change change = changes.get(i);
			assertThat(change.from()).isNotEqualTo(change.to());
			if (i > 0) {
				assertThat(change.from()).as("change %d continues from the previous one", i)
					.isEqualTo(changes.get(i - 1).to());
			}
			if (change.to() == ConnectionState.DISCONNECTED && disconnectsAreErrors) {
				assertThat(change.error()).as("error of change %d", i).isNotNull();
			}
			else {
				assertThat(change.error()).as("error of change %d", i).isNull();
			}
			assertThat(change.thread()).startsWith("syncboot-notify-");
		}
	}

	/** A session whose listener was registered while it was suspended, so it sees its connect from the start. */
	private static Connections resumedWithListener(SyncSession session) {
		session.suspend();
		Connections connections = new Connections(session);
		session.resume();
		await().atMost(LONG).until(() -> connections.endsWith(ConnectionState.CONNECTED));
		return connections;
	}

	@Test
	void connectingReportsConnectingThenConnected() {
		SyncServer server = server();
		SyncManager manager = manager(server, this.dirA);
		SyncDatabase db = manager.open(config(manager, "p").build());
		SyncSession session = manager.sessionFor(db).orElseThrow();

		Connections connections = resumedWithListener(session);

		assertThat(session.downloadAllServerChanges(LONG)).isTrue();
		assertThat(connections.arrows()).containsExactly("DISCONNECTED->CONNECTING", "CONNECTING->CONNECTED");
		assertWellFormed(connections.changes, true);
	}

	@Test
	void suspendAndResumeReportAVoluntaryDisconnectAndAReconnect() {
		SyncServer server = server();
		SyncManager manager = manager(server, this.dirA);
		SyncSession session = manager.sessionFor(manager.open(config(manager, "p").build())).orElseThrow();
		await().atMost(LONG).until(() -> session.connectionState() == ConnectionState.CONNECTED);
		Connections connections = new Connections(session);

		session.suspend();
		session.suspend();
		session.resume();
		session.resume();
		await().atMost(LONG).until(() -> connections.endsWith(ConnectionState.CONNECTED));

		assertThat(connections.arrows()).containsExactly("CONNECTED->DISCONNECTED", "DISCONNECTED->CONNECTING",
				"CONNECTING->CONNECTED");
		assertWellFormed(connections.changes, false);
	}

	@Test
	void aServerRestartReportsAnErrorThenFailedAttemptsThenTheReconnect() {
		SyncServer server = server();
		int port = server.port();
		SyncManager manager = manager(server, this.dirA);
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		SyncDatabase db = manager.open(config(manager, "p").errorHandler((s, e) -> errors.add(e)).build());
		SyncSession session = manager.sessionFor(db).orElseThrow();
		Connections connections = resumedWithListener(session);
		connections.changes.clear();
		Logger logger = (Logger) LoggerFactory.getLogger("io.syncboot.client.internal.connection.Connection");
		ListAppender<ILoggingEvent> log = new ListAppender<>();
		log.start();
		logger.addAppender(log);

		try {
			server.close();
			await().atMost(LONG).until(() -> connections.changes.stream().filter(c -> c.to() == ConnectionState.CONNECTING).count() >= 3);
			db.collection("c").put("x", Map.of("v", 1));
			server(port);
			assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
			await().atMost(LONG).until(() -> connections.endsWith(ConnectionState.CONNECTED));
		}
		finally {
			logger.detachAppender(log);
		}
		// the failed attempts are said once (naming the URL and why), and so is the recovery
		assertThat(log.list).filteredOn(event -> event.getLevel() == Level.WARN)
			.singleElement()
			.satisfies(event -> assertThat(event.getFormattedMessage()).contains("Cannot connect", ":" + port + "/sync"));
		assertThat(log.list).filteredOn(event -> event.getLevel() == Level.INFO)
			.singleElement()
			.satisfies(event -> assertThat(event.getFormattedMessage()).contains("failed attempt(s)"));

		List<String> arrows = connections.arrows();
		assertThat(arrows.get(0)).isEqualTo("CONNECTED->DISCONNECTED");
		assertThat(arrows.subList(1, arrows.size() - 2))
			.containsExactlyElementsOf(repeat(List.of("DISCONNECTED->CONNECTING", "CONNECTING->DISCONNECTED"),
					(arrows.size() - 3) / 2));
		assertThat(arrows.subList(arrows.size() - 2, arrows.size())).containsExactly("DISCONNECTED->CONNECTING",
				"CONNECTING->CONNECTED");
		assertWellFormed(connections.changes, true);
		assertThat(errors).isEmpty();
	}

	@Test
	void aDroppedConnectionReportsTheErrorAndReconnectsOnItsOwn() {
		SyncServer server = server();
		FaultProxy proxy = proxy(server);
		SyncManager manager = manager(proxy, server, this.dirA, b -> b);
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		SyncDatabase db = manager.open(config(manager, "p").errorHandler((s, e) -> errors.add(e)).build());
		SyncSession session = manager.sessionFor(db).orElseThrow();
		Connections connections = resumedWithListener(session);
		connections.changes.clear();

		proxy.dropAll();
		await().atMost(LONG).until(() -> connections.endsWith(ConnectionState.CONNECTED));
		db.collection("c").put("x", Map.of("v", 1));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();

		assertThat(connections.arrows()).containsExactly("CONNECTED->DISCONNECTED", "DISCONNECTED->CONNECTING",
				"CONNECTING->CONNECTED");
		assertWellFormed(connections.changes, true);
		assertThat(errors).isEmpty();
	}

	@Test
	void aConnectionCutInTheMiddleOfAFrameIsReplaced() {
		SyncServer server = server();
		FaultProxy proxy = proxy(server);
		SyncManager manager = manager(proxy, server, this.dirA, b -> b);
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		SyncDatabase db = manager.open(config(manager, "p").errorHandler((s, e) -> errors.add(e)).build());
		SyncSession session = manager.sessionFor(db).orElseThrow();
		Connections connections = resumedWithListener(session);
		connections.changes.clear();

		proxy.cutNextChunk();
		db.collection("c").put("x", Map.of("text", "y".repeat(50_000)));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();

		assertThat(proxy.acceptedCount()).isEqualTo(2);
		assertThat(connections.arrows()).containsExactly("CONNECTED->DISCONNECTED", "DISCONNECTED->CONNECTING",
				"CONNECTING->CONNECTED");
		assertThat(errors).isEmpty();
	}

	@Test
	void aBlackHoledConnectionIsFoundDeadByThePongTimeoutAndReplacedAfterTheNetworkHeals() {
		SyncServer server = server();
		FaultProxy proxy = proxy(server);
		SyncManager manager = manager(proxy, server, this.dirA, b -> b.pingInterval(Duration.ofMillis(200))
			.pongTimeout(Duration.ofSeconds(1))
			.connectTimeout(Duration.ofSeconds(2)));
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		SyncDatabase db = manager.open(config(manager, "p").errorHandler((s, e) -> errors.add(e)).build());
		SyncSession session = manager.sessionFor(db).orElseThrow();
		Connections connections = resumedWithListener(session);
		connections.changes.clear();

		proxy.blackHole();
		await().atMost(LONG).until(() -> !connections.changes.isEmpty());
		assertThat(connections.changes.get(0).arrow()).isEqualTo("CONNECTED->DISCONNECTED");
		assertThat(connections.changes.get(0).error()).hasMessageContaining("no pong");
		db.collection("c").put("x", Map.of("v", 1));
		assertThat(session.uploadAllLocalChanges(Duration.ofMillis(300))).isFalse();

		proxy.heal();
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(session.connectionState()).isEqualTo(ConnectionState.CONNECTED);
		assertWellFormed(connections.changes, true);
		assertThat(errors).isEmpty();
	}

	@Test
	void fiveSessionsOfOneUserShareOneWebSocketUnlessMultiplexingIsOff() {
		SyncServer server = server();
		SyncManager shared = manager(server, this.dirA);
		List<SyncSession> sessions = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			sessions.add(shared.sessionFor(shared.open(config(shared, "p" + i).build())).orElseThrow());
		}
		sessions.forEach(s -> assertThat(s.downloadAllServerChanges(LONG)).isTrue());
		assertThat(server.connectionCount()).isEqualTo(1);

		SyncManager separate = track(SyncManager.create(SyncClientSettings.builder()
			.serverUrl(server.url())
			.baseDirectory(this.dirB)
			.multiplex(false)
			.build()));
		for (int i = 1; i <= 5; i++) {
			SyncSession session = separate.sessionFor(separate.open(config(separate, "p" + i).build())).orElseThrow();
			assertThat(session.downloadAllServerChanges(LONG)).isTrue();
		}
		assertThat(server.connectionCount()).isEqualTo(6);
		assertThat(shared.allSessions()).hasSize(5);
		assertThat(separate.allSessions()).hasSize(5);
	}

	@Test
	void anIdleSharedSocketLingersIsReusedMeanwhileAndClosesAfterwards() {
		SyncServer server = server();
		FaultProxy proxy = proxy(server);
		SyncManager manager = manager(proxy, server, this.dirA, b -> b.connectionLinger(Duration.ofSeconds(5)));
		SyncConfiguration first = config(manager, "p").stopPolicy(StopPolicy.IMMEDIATELY).build();
		SyncDatabase db = manager.open(first);
		assertThat(manager.sessionFor(db).orElseThrow().downloadAllServerChanges(LONG)).isTrue();

		db.close();
		assertThat(proxy.connectionCount()).isEqualTo(1);
		SyncDatabase other = manager.open(config(manager, "q").stopPolicy(StopPolicy.IMMEDIATELY).build());
		assertThat(manager.sessionFor(other).orElseThrow().downloadAllServerChanges(LONG)).isTrue();
		assertThat(proxy.acceptedCount()).isEqualTo(1);

		other.close();
		await().atMost(LONG).until(() -> proxy.connectionCount() == 0 && server.connectionCount() == 0);
		assertThat(proxy.acceptedCount()).isEqualTo(1);
	}

	@Test
	void reconnectSkipsALongBackoffDelay() throws Exception {
		int port;
		try (ServerSocket probe = new ServerSocket(0)) {
			port = probe.getLocalPort();
		}
		SyncManager manager = track(SyncManager.create(SyncClientSettings.builder()
			.serverUrl(URI.create("ws://localhost:" + port + "/sync"))
			.baseDirectory(this.dirA)
			.reconnectInitialDelay(Duration.ofMinutes(10))
			.reconnectMaxDelay(Duration.ofMinutes(10))
			.reconnectJitter(0.0)
			.build()));
		SyncSession p = manager.sessionFor(manager.open(config(manager, "p").build())).orElseThrow();
		p.suspend();
		Connections connections = new Connections(p);
		p.resume();
		await().atMost(LONG).until(() -> p.connectionState() == ConnectionState.DISCONNECTED
				&& connections.arrows().contains("CONNECTING->DISCONNECTED"));
		server(port);

		p.reconnect();
		await().atMost(LONG).until(() -> p.connectionState() == ConnectionState.CONNECTED);

		SyncSession q = manager.sessionFor(manager.open(config(manager, "q").build())).orElseThrow();
		assertThat(q.downloadAllServerChanges(LONG)).isTrue();
		manager.reconnect(); // connected: nothing to skip
		assertThat(p.connectionState()).isEqualTo(ConnectionState.CONNECTED);
	}

	@Test
	void reconnectResetsTheBackoffLadder() throws Exception {
		int port;
		try (ServerSocket probe = new ServerSocket(0)) {
			port = probe.getLocalPort();
		}
		// attempts at 0, 0.2 s, 2.2 s, then 22 s, 222 s: after the third, the next is far away
		SyncManager manager = track(SyncManager.create(SyncClientSettings.builder()
			.serverUrl(URI.create("ws://localhost:" + port + "/sync"))
			.baseDirectory(this.dirA)
			.reconnectInitialDelay(Duration.ofMillis(200))
			.reconnectMultiplier(10)
			.reconnectMaxDelay(Duration.ofMinutes(10))
			.reconnectJitter(0.0)
			.build()));
		SyncSession session = manager.sessionFor(manager.open(config(manager, "p").build())).orElseThrow();
		session.suspend();
		Connections connections = new Connections(session);
		session.resume();
		await().atMost(LONG).until(() -> attempts(connections) == 3
				&& connections.endsWith(ConnectionState.DISCONNECTED));

		session.reconnect(); // attempt 4 now, and, the ladder being reset, attempt 5 0.2 s after it fails

		await().atMost(Duration.ofSeconds(15)).until(() -> attempts(connections) >= 5);
		assertWellFormed(connections.changes, true);
	}

	private static long attempts(Connections connections) {
		return connections.changes.stream().filter(c -> c.to() == ConnectionState.CONNECTING).count();
	}

	@Test
	void managerReconnectSkipsTheBackoffOfEverySession() throws Exception {
		int port;
		try (ServerSocket probe = new ServerSocket(0)) {
			port = probe.getLocalPort();
		}
		SyncManager manager = track(SyncManager.create(SyncClientSettings.builder()
			.serverUrl(URI.create("ws://localhost:" + port + "/sync"))
			.baseDirectory(this.dirA)
			.reconnectInitialDelay(Duration.ofMinutes(10))
			.reconnectMaxDelay(Duration.ofMinutes(10))
			.multiplex(false)
			.build()));
		SyncSession p = manager.sessionFor(manager.open(config(manager, "p").build())).orElseThrow();
		SyncSession q = manager.sessionFor(manager.open(config(manager, "q").build())).orElseThrow();
		p.suspend();
		q.suspend();
		Connections pc = new Connections(p);
		Connections qc = new Connections(q);
		p.resume();
		q.resume();
		await().atMost(LONG).until(() -> pc.arrows().contains("CONNECTING->DISCONNECTED")
				&& qc.arrows().contains("CONNECTING->DISCONNECTED"));
		server(port);

		manager.reconnect();

		await().atMost(LONG).until(() -> p.connectionState() == ConnectionState.CONNECTED
				&& q.connectionState() == ConnectionState.CONNECTED);
	}

	private static List<String> repeat(List<String> pair, int times) {
		List<String> all = new ArrayList<>();
		for (int i = 0; i < times; i++) {
			all.addAll(pair);
		}
		return all;
	}

}
