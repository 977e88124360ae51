package io.syncboot.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How listeners are called: a throwing listener does not keep a notification from the others,
 * and a listener hears only of what happens after it is added. No server runs; the manager's
 * reconnect delay keeps it from trying.
 */
class ListenerDeliveryTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	Path dir;

	private SyncManager manager;

	private SyncDatabase database;

	private SyncSession session;

	@BeforeEach
	void open() {
		this.manager = SyncManager.create(OfflineClients.settings(this.dir));
		SyncUser user = this.manager.logIn(SyncCredentials.anonymous());
		this.database = this.manager.open(SyncConfiguration.builder(user, "p").build());
		this.session = this.manager.sessionFor(this.database).orElseThrow();
	}

	@AfterEach
	void close() {
		this.manager.close();
	}

	@Test
	void aThrowingStateListenerDoesNotKeepTheChangeFromTheListenersAfterIt() {
		List<String> seen = new CopyOnWriteArrayList<>();
		this.session.addStateListener((from, to) -> {
			throw new IllegalStateException("a listener with a bug");
		});
		this.session.addStateListener((from, to) -> seen.add(from + "->" + to));

		this.session.suspend();
		this.session.resume();

		await().atMost(WAIT).untilAsserted(() -> assertThat(seen).containsExactly("ACTIVE->INACTIVE", "INACTIVE->ACTIVE"));
	}

	@Test
	void aThrowingChangeListenerDoesNotKeepTheChangeFromTheListenersAfterIt() {
		List<DatabaseChange> seen = new CopyOnWriteArrayList<>();
		this.database.addChangeListener(change -> {
			throw new IllegalStateException("a listener with a bug");
		});
		this.database.addChangeListener(seen::add);

		this.database.collection("c").put("a", Map.of("v", 1));

		await().atMost(WAIT).untilAsserted(() -> assertThat(seen).hasSize(1));
	}

	@Test
	void aListenerAddedTwiceIsCalledOncePerRegistrationAndClosingOneTokenEndsOnlyThatOne() throws Exception {
		CountDownLatch blocked = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.database.addChangeListener(change -> {
			blocked.countDown();
			try {
				release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		List<DatabaseChange> seen = new CopyOnWriteArrayList<>();
		DatabaseChangeListener listener = seen::add;
		ListenerToken first = this.database.addChangeListener(listener);
		this.database.addChangeListener(listener);

		this.database.collection("c").put("a", Map.of("v", 1));
		assertThat(blocked.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		// closed while the notification waits to reach it: that registration is skipped, the other is not
		first.close();
		first.close();
		release.countDown();
		this.database.collection("c").put("b", Map.of("v", 2));

		await().atMost(WAIT).untilAsserted(() -> assertThat(seen).hasSize(2));
		Thread.sleep(200);
		assertThat(seen).hasSize(2);
	}

	@Test
	void aListenerAddedAfterAStateChangeIsNotToldOfIt() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		List<DatabaseChange> changes = new CopyOnWriteArrayList<>();
		this.database.addChangeListener(change -> {
			awaitQuietly(release);
			changes.add(change);
		});
		this.database.collection("c").put("a", Map.of("v", 1)); // keeps the notification thread busy
		this.session.addStateListener((from, to) -> {
		});
		this.session.suspend(); // ACTIVE -> INACTIVE, posted behind the slow listener
		List<String> seen = new CopyOnWriteArrayList<>();
		this.session.addStateListener((from, to) -> seen.add(from + "->" + to));

		release.countDown();
		this.database.collection("c").put("b", Map.of("v", 2)); // notified after the state change
		await().atMost(WAIT).until(() -> changes.size() == 2);

		assertThat(seen).as("registered when the session was already INACTIVE").isEmpty();
	}

	@Test
	void aListenerRemovedBeforeANotificationRunsIsNotCalled() {
		CountDownLatch release = new CountDownLatch(1);
		List<DatabaseChange> first = new CopyOnWriteArrayList<>();
		List<DatabaseChange> removed = new CopyOnWriteArrayList<>();
		this.database.addChangeListener(change -> {
			awaitQuietly(release);
			first.add(change);
		});
		ListenerToken token = this.database.addChangeListener(removed::add);
		this.database.collection("c").put("a", Map.of("v", 1));
		token.close();

		release.countDown();
		await().atMost(WAIT).until(() -> first.size() == 1);
		this.database.collection("c").put("b", Map.of("v", 2));
		await().atMost(WAIT).until(() -> first.size() == 2);

		assertThat(removed).isEmpty();
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
