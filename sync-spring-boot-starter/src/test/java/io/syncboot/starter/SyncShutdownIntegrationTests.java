package io.syncboot.starter;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.syncboot.autoconfigure.client.SyncSessions;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import io.syncboot.server.SyncServer;
import io.syncboot.starter.app.StarterTestApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing the application context applies each session's stop policy: pending uploads of an
 * {@code AFTER_CHANGES_UPLOADED} session reach the server before the context has closed, within
 * {@code sync.shutdown-timeout}.
 */
class SyncShutdownIntegrationTests {

	private static final int DOCUMENTS = 50;

	@TempDir
	Path temp;

	private SyncServer server;

	@BeforeEach
	void startServer() {
		this.server = SyncServer.builder().port(0).dataDirectory(this.temp.resolve("server")).allowAnonymous().build()
			.start();
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void pendingUploadsReachTheServerBeforeTheContextCloses() {
		runAndClose("after-changes-uploaded", this.server.url().toString(), "30s");
		assertThat(documentsOnServer()).isEqualTo(DOCUMENTS);
	}

	@Test
	void immediatelyClosesWithoutWaitingAndLeavesThemInTheOutbox() {
		// Nothing listens at port 9: an AFTER_CHANGES_UPLOADED session would wait the 30 s timeout.
		assertThat(runAndClose("immediately", "ws://localhost:9/sync", "30s")).isLessThan(Duration.ofSeconds(20));
		try (SyncManager again = SyncManager.create(SyncClientSettings.builder()
			.serverUrl(URI.create("ws://localhost:9/sync"))
			.baseDirectory(this.temp.resolve("app"))
			.build())) {
			SyncDatabase orders = again.open(
					SyncConfiguration.builder(again.logIn(SyncCredentials.anonymous()), "orders").build());
			assertThat(orders.pendingChanges()).as("still to upload").isEqualTo(DOCUMENTS);
		}
	}

	@Test
	void theWaitIsBoundedByTheShutdownTimeout() {
		// Nothing listens at port 9: the uploads cannot finish.
		Duration closing = runAndClose("after-changes-uploaded", "ws://localhost:9/sync", "1s");
		assertThat(closing).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(20));
	}

	/** Writes while suspended, resumes, and closes the context at once; returns how long the close took. */
	private Duration runAndClose(String stopPolicy, String serverUrl, String shutdownTimeout) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(StarterTestApplication.class)
			.web(WebApplicationType.NONE)
			.properties("sync.server-url=" + serverUrl, "sync.base-directory=" + this.temp.resolve("app"),
					"sync.sessions.orders.partition=orders", "sync.sessions.orders.auto-start=false",
					"sync.stop-policy=" + stopPolicy, "sync.shutdown-timeout=" + shutdownTimeout)
			.run();
		SyncSessions sessions = context.getBean(SyncSessions.class);
		SyncDatabase orders = sessions.database("orders");
		SyncSession session = sessions.session("orders");
		assertThat(session.state()).isEqualTo(SyncSessionState.INACTIVE);
		for (int i = 0; i < DOCUMENTS; i++) {
			orders.collection("orders").put("o" + i, Map.of("total", i));
		}
		assertThat(orders.pendingChanges()).isEqualTo(DOCUMENTS);
		session.resume();
		long start = System.nanoTime();
		context.close();
		Duration closing = Duration.ofNanos(System.nanoTime() - start);
		assertThat(orders.isClosed()).isTrue();
		return closing;
	}

	private long documentsOnServer() {
		try (SyncManager reader = SyncManager.create(SyncClientSettings.builder()
			.serverUrl(this.server.url())
			.baseDirectory(this.temp.resolve("reader"))
			.build())) {
			SyncDatabase copy = reader.open(
					SyncConfiguration.builder(reader.logIn(SyncCredentials.anonymous()), "orders").build());
			assertThat(reader.sessionFor(copy).orElseThrow().downloadAllServerChanges(Duration.ofSeconds(20)))
				.isTrue();
			return copy.collection("orders").count();
		}
	}

}
