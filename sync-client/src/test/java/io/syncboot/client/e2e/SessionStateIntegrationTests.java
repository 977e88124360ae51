package io.syncboot.client.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.syncboot.client.ConnectionState;
import io.syncboot.client.ErrorAction;
import io.syncboot.client.StopPolicy;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncUser;
import io.syncboot.client.SyncUserState;
import io.syncboot.server.SyncServer;
import io.syncboot.test.proxy.FaultProxy;
import org.junit.jupiter.api.Test;

import static io.syncboot.client.SyncSessionState.ACTIVE;
import static io.syncboot.client.SyncSessionState.DYING;
import static io.syncboot.client.SyncSessionState.INACTIVE;
import static io.syncboot.client.SyncSessionState.INVALID;
import static io.syncboot.client.SyncSessionState.WAITING_FOR_ACCESS_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * One test per row of the session transition table (contract section 3), against a real server;
 * the stop policy rows hold traffic in a {@link FaultProxy} so the upload cannot be acknowledged
 * until it heals. Fatal errors are covered by
 * {@link SyncSessionIntegrationTests#aFatalServerErrorInvalidatesTheSessionAndIsReportedOnce()}.
 */
class SessionStateIntegrationTests extends SyncFixture {

	private SyncServer server;

	private FaultProxy proxy;

	private SyncManager viaProxy() {
		this.server = server();
		this.proxy = proxy(this.server);
		return manager(this.proxy, this.server, this.dirA, b -> b);
	}

	/** What the server has for a partition, read by a fresh client. */
	private Map<String, Map<String, Object>> serverContents(String partition) {
		SyncManager other = manager(this.server, this.dirB);
		SyncDatabase db = other.open(config(other, partition).build());
		assertThat(other.sessionFor(db).orElseThrow().downloadAllServerChanges(LONG)).isTrue();
		return SyncTestSupport.contents(db.collection("c"));
	}

	private static SyncSession connected(SyncManager manager, SyncDatabase db) {
		SyncSession session = manager.sessionFor(db).orElseThrow();
		await().atMost(LONG).until(() -> session.connectionState() == ConnectionState.CONNECTED);
		assertThat(session.downloadAllServerChanges(LONG)).isTrue();
		return session;
	}

	@Test
	void openingStartsActiveAndSuspendResumeToggleInactive() {
		SyncManager manager = viaProxy();
		SyncDatabase db = manager.open(config(manager, "p").build());
		SyncSession session = manager.sessionFor(db).orElseThrow();
		assertThat(session.state()).isEqualTo(ACTIVE);
		connected(manager, db);
		States states = new States(session);

		session.suspend();
		assertThat(session.state()).isEqualTo(INACTIVE);
		assertThat(session.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
		session.resume();
		assertThat(session.state()).isEqualTo(ACTIVE);
		await().atMost(LONG).until(() -> session.connectionState() == ConnectionState.CONNECTED);

		await().atMost(LONG).until(() -> states.changes.size() == 2);
		assertThat(states.changes).containsExactly("ACTIVE->INACTIVE", "INACTIVE->ACTIVE");
		assertThat(states.threads).allSatisfy(name -> assertThat(name).startsWith("syncboot-notify-"));
	}

	@Test
	void closingWithAfterChangesUploadedStaysDyingAndConnectedUntilTheServerAcknowledgedEverything() {
		SyncManager manager = viaProxy();
		SyncDatabase db = manager.open(config(manager, "p").build());
		SyncSession session = connected(manager, db);
		States states = new States(session);
		Connections connections = new Connections(session);

		this.proxy.blackHole();
		db.collection("c").put("x", Map.of("v", 1));
		db.collection("c").put("y", Map.of("v", 2));
		db.close();

		assertThat(session.state()).isEqualTo(DYING);
		await().during(Duration.ofMillis(1500)).atMost(LONG)
			.until(() -> session.state() == DYING && session.connectionState() == ConnectionState.CONNECTED);
		db.close(); // closing again changes nothing

		this.proxy.heal();
		await().atMost(LONG).until(() -> session.state() == INACTIVE);
		assertThat(session.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
		await().atMost(LONG).until(() -> states.changes.size() == 2);
		assertThat(states.changes).containsExactly("ACTIVE->DYING", "DYING->INACTIVE");
		await().atMost(LONG).until(() -> connections.changes.size() == 1);
		assertThat(connections.arrows()).containsExactly("CONNECTED->DISCONNECTED");
		assertThat(connections.changes.get(0).error()).isNull();
		assertThat(serverContents("p")).containsOnlyKeys("x", "y");
	}

	@Test
	void closingWithAfterChangesUploadedAndNothingPendingBecomesInactiveAtOnce() {
		SyncManager manager = viaProxy();
		SyncDatabase db = manager.open(config(manager, "p").build());
		SyncSession session = connected(manager, db);
		db.collection("c").put("x", Map.of("v", 1));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();

		db.close();

		assertThat(session.state()).isEqualTo(INACTIVE);
		assertThat(session.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
	}

	@Test
	void closingWithImmediatelyBecomesInactiveAndDisconnectedAtOnceKeepingTheChangeForLater() {
		SyncManager manager = viaProxy();
		SyncConfiguration configuration = config(manager, "p").stopPolicy(StopPolicy.IMMEDIATELY).build();
		SyncDatabase db = manager.open(configuration);
		SyncSession session = connected(manager, db);
		States states = new States(session);

		this.proxy.blackHole();
		db.collection("c").put("x", Map.of("v", 1));
		db.close();

		assertThat(session.state()).isEqualTo(INACTIVE);
		assertThat(session.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
		this.proxy.dropAll(); // what was held is lost with the connections
		this.proxy.heal();

		SyncDatabase reopened = manager.open(configuration);
		assertThat(manager.sessionFor(reopened)).containsSame(session);
		assertThat(session.state()).isEqualTo(ACTIVE);
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(reopened.pendingChanges()).isZero();
		await().atMost(LONG).until(() -> states.changes.size() == 2);
		assertThat(states.changes).containsExactly("ACTIVE->INACTIVE", "INACTIVE->ACTIVE");
		assertThat(serverContents("p")).containsOnlyKeys("x");
	}

	@Test
	void closingWithLiveIndefinitelyKeepsTheSessionActiveAndSyncing() {
		SyncManager manager = viaProxy();
		SyncConfiguration configuration = config(manager, "p").stopPolicy(StopPolicy.LIVE_INDEFINITELY).build();
		SyncDatabase db = manager.open(configuration);
		SyncSession session = connected(manager, db);
		States states = new States(session);

		this.proxy.blackHole();
		db.collection("c").put("x", Map.of("v", 1));
		db.close();
		assertThat(session.state()).isEqualTo(ACTIVE);
		this.proxy.heal();

		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(session.state()).isEqualTo(ACTIVE);
		assertThat(session.connectionState()).isEqualTo(ConnectionState.CONNECTED);
		assertThat(serverContents("p")).containsOnlyKeys("x");
		SyncDatabase reopened = manager.open(configuration);
		assertThat(manager.sessionFor(reopened)).containsSame(session);
		assertThat(states.changes).isEmpty();
	}

	@Test
	void reopeningADyingDatabaseMakesItsSessionActiveAgain() {
		SyncManager manager = viaProxy();
		SyncConfiguration configuration = config(manager, "p").build();
		SyncDatabase db = manager.open(configuration);
		SyncSession session = connected(manager, db);
		this.proxy.blackHole();
		db.collection("c").put("x", Map.of("v", 1));
		db.close();
		assertThat(session.state()).isEqualTo(DYING);

		SyncDatabase reopened = manager.open(configuration);

		assertThat(manager.sessionFor(reopened)).containsSame(session);
		assertThat(session.state()).isEqualTo(ACTIVE);
		this.proxy.heal();
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(session.state()).isEqualTo(ACTIVE);
		assertThat(reopened.collection("c").get("x")).isPresent();
	}

	@Test
	void suspendingADyingSessionMakesItInactiveAndResumeThenDoesNothing() {
		SyncManager manager = viaProxy();
		SyncDatabase db = manager.open(config(manager, "p").build());
		SyncSession session = connected(manager, db);
		this.proxy.blackHole();
		db.collection("c").put("x", Map.of("v", 1));
		db.close();
		assertThat(session.state()).isEqualTo(DYING);

		session.suspend();
		assertThat(session.state()).isEqualTo(INACTIVE);
		assertThat(session.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
		session.resume(); // its database is closed: only reopening revives it
		assertThat(session.state()).isEqualTo(INACTIVE);
	}

	@Test
	void aTokenAboutToExpireMakesTheSessionWaitForANewOneWithoutLosingData() throws Exception {
		this.server = server();
		SyncManager manager = manager(this.server, this.dirA);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger calls = new AtomicInteger();
		Supplier<String> provider = () -> {
			if (calls.incrementAndGet() == 1) {
				return token("alice", Duration.ofSeconds(11)); // renewed about 5 s from now
			}
			awaitRelease(release);
			return token("alice", Duration.ofHours(1));
		};
		SyncUser alice = manager.logIn(SyncCredentials.tokenProvider(provider));
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		SyncDatabase db = manager.open(SyncConfiguration.builder(alice, "p").errorHandler((s, e) -> errors.add(e)).build());
		SyncSession session = connected(manager, db);
		assertThat(session.state()).isEqualTo(ACTIVE);
		States states = new States(session);
		Connections connections = new Connections(session);
		db.collection("c").put("before", Map.of("v", 1));

		try {
			await().atMost(LONG).until(() -> session.state() == WAITING_FOR_ACCESS_TOKEN);
			db.collection("c").put("during", Map.of("v", 2));
			assertThat(session.connectionState()).isEqualTo(ConnectionState.CONNECTED);
		}
		finally {
			release.countDown();
		}
		await().atMost(LONG).until(() -> session.state() == ACTIVE);
		db.collection("c").put("after", Map.of("v", 3));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();

		await().atMost(LONG).until(() -> states.changes.size() == 2);
		assertThat(states.changes).containsExactly("ACTIVE->WAITING_FOR_ACCESS_TOKEN", "WAITING_FOR_ACCESS_TOKEN->ACTIVE");
		assertThat(connections.changes).isEmpty();
		assertThat(calls.get()).isEqualTo(2);
		assertThat(alice.state()).isEqualTo(SyncUserState.LOGGED_IN);
		assertThat(errors).isEmpty();
		assertThat(serverContents("p")).containsOnlyKeys("before", "during", "after");
	}

	@Test
	void openingWithATokenAboutToExpireWaitsForANewOneFirst() {
		this.server = server();
		SyncManager manager = manager(this.server, this.dirA);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger calls = new AtomicInteger();
		SyncUser alice = manager.logIn(SyncCredentials.tokenProvider(() -> {
			if (calls.incrementAndGet() == 1) {
				return token("alice", Duration.ofSeconds(2));
			}
			awaitRelease(release);
			return token("alice", Duration.ofHours(1));
		}));
		SyncDatabase db;
		SyncSession session;
		try {
			db = manager.open(SyncConfiguration.builder(alice, "p").build());
			session = manager.sessionFor(db).orElseThrow();
			assertThat(session.state()).isEqualTo(WAITING_FOR_ACCESS_TOKEN);
			assertThat(session.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
			db.collection("c").put("x", Map.of("v", 1));
		}
		finally {
			release.countDown();
		}
		await().atMost(LONG).until(() -> session.state() == ACTIVE);
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(serverContents("p")).containsOnlyKeys("x");
	}

	@Test
	void aTokenProviderThatFailsLogsTheUserOutAndInvalidatesItsSessions() {
		this.server = server();
		SyncManager manager = manager(this.server, this.dirA);
		AtomicInteger calls = new AtomicInteger();
		SyncUser alice = manager.logIn(SyncCredentials.tokenProvider(() -> {
			if (calls.incrementAndGet() == 1) {
				return token("alice", Duration.ofSeconds(10));
			}
			throw new IllegalStateException("identity provider unreachable");
		}));
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		SyncDatabase db = manager.open(SyncConfiguration.builder(alice, "p").errorHandler((s, e) -> errors.add(e)).build());
		SyncSession session = connected(manager, db);
		db.collection("c").put("x", Map.of("v", 1));
		CompletableFuture<Void> never = session.waitForDownloadCompletion();
		session.suspend();
		CompletableFuture<Void> pending = session.waitForDownloadCompletion();

		await().atMost(LONG).until(() -> session.state() == INVALID);

		assertThat(alice.state()).isEqualTo(SyncUserState.LOGGED_OUT);
		assertThat(session.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
		assertThat(session.configuration()).isEmpty();
		assertThat(pending).failsWithin(LONG);
		assertThat(never.isDone()).isTrue();
		await().atMost(LONG).until(() -> errors.size() == 1);
		assertThat(errors.get(0).action()).isEqualTo(ErrorAction.LOG_OUT);
		assertThat(errors.get(0).isFatal()).isTrue();
		assertThat(errors.get(0).message()).contains("identity provider unreachable");
		assertThat(db.collection("c").get("x")).isPresent();
		assertThatIllegalStateException().isThrownBy(() -> manager.open(SyncConfiguration.builder(alice, "q").build()))
			.withMessageContaining("LOGGED_OUT");
	}

	@Test
	void loggingOutAndClosingTheManagerInvalidateAndResumeIsThenANoOp() throws Exception {
		this.server = server();
		SyncManager manager = manager(this.server, this.dirA);
		SyncUser anonymous = manager.logIn(SyncCredentials.anonymous());
		SyncDatabase p = manager.open(SyncConfiguration.builder(anonymous, "p").build());
		SyncSession byLogout = connected(manager, p);
		SyncUser bob = manager.logIn(SyncCredentials.token(token("bob", Duration.ofHours(1))));
		SyncDatabase q = manager.open(SyncConfiguration.builder(bob, "q").build());
		SyncSession byClose = connected(manager, q);
		States logoutStates = new States(byLogout);
		States closeStates = new States(byClose);

		anonymous.logOut();
		assertThat(byLogout.state()).isEqualTo(INVALID);
		assertThat(byLogout.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
		byLogout.resume();
		assertThat(byLogout.state()).isEqualTo(INVALID);
		assertThat(byLogout.configuration()).isEmpty();
		assertThat(byClose.state()).isEqualTo(ACTIVE);

		manager.close();
		assertThat(byClose.state()).isEqualTo(INVALID);
		assertThat(byClose.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
		byClose.resume();
		byClose.suspend();
		assertThat(byClose.state()).isEqualTo(INVALID);
		assertThat(byClose.configuration()).isEmpty();
		await().atMost(LONG).until(() -> logoutStates.changes.size() == 1 && closeStates.changes.size() == 1);
		assertThat(logoutStates.changes).containsExactly("ACTIVE->INVALID");
		assertThat(closeStates.changes).containsExactly("ACTIVE->INVALID");

		// every file is released: the base directory's content can be deleted at once
		try (var files = java.nio.file.Files.walk(this.dirA)) {
			for (java.nio.file.Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
				if (!path.equals(this.dirA)) {
					java.nio.file.Files.delete(path);
				}
			}
		}
		try (var left = java.nio.file.Files.list(this.dirA)) {
			assertThat(left).isEmpty();
		}
	}

	private static void awaitRelease(CountDownLatch latch) {
		try {
			if (!latch.await(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("the test never released the token provider");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
