package io.syncboot.autoconfigure.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.syncboot.autoconfigure.event.SyncEvent;
import io.syncboot.autoconfigure.event.SyncProgressEvent;
import io.syncboot.client.ClientResetMode;
import io.syncboot.client.DatabaseChange;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A managed session publishes no events while the application context is being refreshed (its
 * listeners may not exist yet, and a listener bean created from a SyncBoot thread would contend
 * for the context's singleton lock), and keeps its status from the start.
 */
class ManagedSessionTests {

	@TempDir
	Path directory;

	@Test
	void publishesNothingUntilStartedButKeepsItsStatus() {
		List<Object> published = new CopyOnWriteArrayList<>();
		try (SyncManager manager = SyncManager.create(SyncClientSettings.builder()
			.serverUrl(URI.create("ws://127.0.0.1:9/sync"))
			.baseDirectory(this.directory)
			.reconnectInitialDelay(Duration.ofSeconds(30))
			.build())) {
			SyncDatabase database = manager
				.open(SyncConfiguration.builder(manager.logIn(SyncCredentials.anonymous()), "orders").build());
			SyncSession session = manager.sessionFor(database).orElseThrow();
			session.suspend();
			ManagedSession managed = new ManagedSession("orders", database, session, ClientResetMode.RECOVER_OR_DISCARD,
					false, Duration.ZERO, published::add, Clock.systemUTC());
			managed.listen();
			List<DatabaseChange> delivered = new CopyOnWriteArrayList<>();
			database.addChangeListener(delivered::add);
			database.collection("tasks").put("t1", Map.of("title", "Count stock"));
			session.resume();
			// notifications are delivered in order: once t2's change is, every earlier one was handled
			database.collection("tasks").put("t2", Map.of("title", "Order"));
			await().until(() -> delivered.size() == 2);
			assertThat(session.state()).isEqualTo(SyncSessionState.ACTIVE);
			assertThat(managed.status().pendingChanges()).isEqualTo(2);
			assertThat(published).isEmpty();

			managed.start();
			session.suspend();
			await().until(() -> published.stream().anyMatch(event -> !(event instanceof SyncProgressEvent)));
			assertThat(published).allMatch(SyncEvent.class::isInstance);
		}
	}

}
