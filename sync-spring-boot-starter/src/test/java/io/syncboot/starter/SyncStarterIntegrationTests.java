package io.syncboot.starter;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.syncboot.autoconfigure.client.SyncSessions;
import io.syncboot.autoconfigure.test.AutoConfigureSyncTestServer;
import io.syncboot.client.ConnectionState;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import io.syncboot.server.SyncServer;
import io.syncboot.starter.app.StarterTestApplication;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application that uses only the starter, with two named sessions against the in-JVM test
 * server: injection by qualifier, real syncing, the actuator endpoint, events, health and metrics.
 * The methods run in order on one application.
 */
@SpringBootTest(classes = StarterTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sync.base-directory=target/starter-it/${random.uuid}",
				"sync.sessions.orders.partition=store-42-orders", "sync.sessions.catalog.partition=catalog",
				"sync.events.progress-interval=0s", "sync.reconnect.initial-delay=200ms",
				"management.endpoints.web.exposure.include=health,sync,metrics",
				"management.endpoint.health.show-details=always" })
@AutoConfigureSyncTestServer
@AutoConfigureRestTestClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SyncStarterIntegrationTests {

	@Autowired
	@Qualifier("orders")
	SyncSession orders;

	@Autowired
	@Qualifier("orders")
	SyncDatabase ordersDatabase;

	@Autowired
	@Qualifier("catalog")
	SyncSession catalog;

	@Autowired
	@Qualifier("catalog")
	SyncDatabase catalogDatabase;

	@Autowired
	SyncSessions sessions;

	@Autowired
	SyncServer syncTestServer;

	@Autowired
	StarterTestApplication.StateChanges stateChanges;

	@Autowired
	RestTestClient http;

	@TempDir
	static Path otherClientDirectory;

	@Test
	@Order(1)
	void bothSessionsInjectByQualifierAndSync() {
		assertThat(this.orders).isNotSameAs(this.catalog);
		assertThat(this.ordersDatabase.configuration().partition()).isEqualTo("store-42-orders");
		assertThat(this.catalogDatabase.configuration().partition()).isEqualTo("catalog");
		await().until(() -> this.orders.connectionState() == ConnectionState.CONNECTED
				&& this.catalog.connectionState() == ConnectionState.CONNECTED);
		this.ordersDatabase.collection("orders").put("o1", Map.of("total", 42));
		this.catalogDatabase.collection("items").put("i1", Map.of("name", "Shelf"));
		assertThat(this.orders.uploadAllLocalChanges(Duration.ofSeconds(20))).isTrue();
		assertThat(this.catalog.uploadAllLocalChanges(Duration.ofSeconds(20))).isTrue();

		// Another client sees both partitions' data, and its write comes back to the application.
		try (SyncManager other = SyncManager.create(SyncClientSettings.builder()
			.serverUrl(this.syncTestServer.url())
			.baseDirectory(otherClientDirectory)
			.build())) {
			SyncDatabase otherOrders = other.open(SyncConfiguration
				.builder(other.logIn(SyncCredentials.anonymous()), "store-42-orders").build());
			SyncSession otherSession = other.sessionFor(otherOrders).orElseThrow();
			assertThat(otherSession.downloadAllServerChanges(Duration.ofSeconds(20))).isTrue();
			assertThat(otherOrders.collection("orders").get("o1")).hasValueSatisfying(
					document -> assertThat(document.get("total")).isEqualTo(42L));
			otherOrders.collection("orders").put("o2", Map.of("total", 7));
			assertThat(otherSession.uploadAllLocalChanges(Duration.ofSeconds(20))).isTrue();
		}
		assertThat(this.orders.downloadAllServerChanges(Duration.ofSeconds(20))).isTrue();
		assertThat(this.ordersDatabase.collection("orders").get("o2")).isPresent();
	}

	@Test
	@Order(2)
	void actuatorSyncListsEverySession() {
		await().until(() -> this.sessions.status("orders").orElseThrow().lastSyncedAt() != null
				&& this.sessions.status("catalog").orElseThrow().upload() != null);
		this.http.get().uri("/actuator/sync").exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.sessions.length()").isEqualTo(2)
			.jsonPath("$.sessions.orders.partition").isEqualTo("store-42-orders")
			.jsonPath("$.sessions.orders.user").isEqualTo("anonymous")
			.jsonPath("$.sessions.orders.state").isEqualTo("ACTIVE")
			.jsonPath("$.sessions.orders.connectionState").isEqualTo("CONNECTED")
			.jsonPath("$.sessions.orders.pendingChanges").isEqualTo(0)
			.jsonPath("$.sessions.orders.upload.transferredBytes").value(Number.class,
					bytes -> assertThat(bytes.longValue()).isPositive())
			.jsonPath("$.sessions.orders.upload.transferableBytes").value(Number.class,
					bytes -> assertThat(bytes.longValue()).isPositive())
			.jsonPath("$.sessions.orders.upload.estimate").isEqualTo(1.0)
			.jsonPath("$.sessions.orders.download.transferredBytes").value(Number.class,
					bytes -> assertThat(bytes.longValue()).isPositive())
			.jsonPath("$.sessions.orders.lastSyncedAt").value(String.class,
					time -> assertThat(Instant.parse(time)).isBefore(Instant.now().plusSeconds(1)))
			.jsonPath("$.sessions.orders.lastError").doesNotExist()
			.jsonPath("$.sessions.catalog.partition").isEqualTo("catalog")
			.jsonPath("$.sessions.catalog.state").isEqualTo("ACTIVE")
			.jsonPath("$.sessions.catalog.connectionState").isEqualTo("CONNECTED")
			.jsonPath("$.sessions.catalog.pendingChanges").isEqualTo(0);
		this.http.get().uri("/actuator/sync/catalog").exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.partition").isEqualTo("catalog")
			.jsonPath("$.user").isEqualTo("anonymous")
			.jsonPath("$.state").isEqualTo("ACTIVE");
		this.http.get().uri("/actuator/sync/unknown").exchange().expectStatus().isNotFound();
	}

	@Test
	@Order(3)
	void postSuspendAndResumeChangeTheStateAndPublishEvents() {
		int before = this.stateChanges.events().size();
		this.http.post().uri("/actuator/sync/orders").contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("action", "suspend")).exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.state").isEqualTo("INACTIVE")
			.jsonPath("$.connectionState").isEqualTo("DISCONNECTED");
		assertThat(this.orders.state()).isEqualTo(SyncSessionState.INACTIVE);
		assertThat(this.catalog.state()).isEqualTo(SyncSessionState.ACTIVE);
		await().until(() -> this.stateChanges.events().stream().skip(before).anyMatch(event ->
				event.sessionName().equals("orders") && event.oldState() == SyncSessionState.ACTIVE
						&& event.newState() == SyncSessionState.INACTIVE && event.session() == this.orders));

		this.http.post().uri("/actuator/sync/orders").contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("action", "resume")).exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.state").isEqualTo("ACTIVE");
		await().until(() -> this.stateChanges.events().stream().skip(before).anyMatch(event ->
				event.sessionName().equals("orders") && event.newState() == SyncSessionState.ACTIVE));
		await().until(() -> this.orders.connectionState() == ConnectionState.CONNECTED);

		this.http.post().uri("/actuator/sync/orders").contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("action", "reconnect")).exchange().expectStatus().isOk();
		this.http.post().uri("/actuator/sync/orders").contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("action", "explode")).exchange().expectStatus().isBadRequest().expectBody()
			.jsonPath("$.error").isEqualTo("Unknown action 'explode': use suspend, resume or reconnect");
		this.http.post().uri("/actuator/sync/unknown").contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("action", "suspend")).exchange().expectStatus().isNotFound();
	}

	@Test
	@Order(4)
	void metersExistAndMoveWhenDataSyncs() {
		double uploaded = meter("sync.transferred.bytes", "session:orders", "direction:upload");
		double latencies = meter("sync.latency", "session:orders", "direction:upload");
		assertThat(meter("sync.sessions", "state:active")).isEqualTo(2.0);
		assertThat(meter("sync.pending.changesets", "session:orders")).isZero();
		assertThat(meter("sync.transferred.bytes", "session:orders", "direction:download")).isPositive();

		this.catalog.suspend();
		this.catalogDatabase.collection("items").put("i2", Map.of("name", "Crate"));
		assertThat(meter("sync.pending.changesets", "session:catalog")).isEqualTo(1.0);
		this.catalog.resume();
		await().until(() -> meter("sync.pending.changesets", "session:catalog") == 0.0);

		this.ordersDatabase.collection("orders").put("o3", Map.of("total", 3));
		assertThat(this.orders.uploadAllLocalChanges(Duration.ofSeconds(20))).isTrue();
		await().until(() -> meter("sync.transferred.bytes", "session:orders", "direction:upload") > uploaded);
		await().until(() -> meter("sync.latency", "session:orders", "direction:upload") > latencies);
		assertThat(meter("sync.pending.changesets", "session:orders")).isZero();
	}

	@Test
	@Order(5)
	void healthReportsEachSessionAndGoesDownWhenOneIsInvalid() {
		this.http.get().uri("/actuator/health/sync").exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.status").isEqualTo("UP")
			.jsonPath("$.details.sessions.orders.state").isEqualTo("ACTIVE")
			.jsonPath("$.details.sessions.orders.connectionState").isEqualTo("CONNECTED")
			.jsonPath("$.details.sessions.orders.status").isEqualTo("UP")
			.jsonPath("$.details.sessions.catalog.partition").isEqualTo("catalog");

		// Logging the user out ends its sessions for good.
		this.ordersDatabase.configuration().user().logOut();
		await().until(() -> this.orders.state() == SyncSessionState.INVALID);
		this.http.get().uri("/actuator/health/sync").exchange().expectStatus().isEqualTo(503).expectBody()
			.jsonPath("$.status").isEqualTo("DOWN")
			.jsonPath("$.details.sessions.orders.state").isEqualTo("INVALID")
			.jsonPath("$.details.sessions.orders.status").isEqualTo("DOWN");
		assertThat(meter("sync.sessions", "state:invalid")).isEqualTo(2.0);
	}

	private double meter(String name, String... tags) {
		StringBuilder uri = new StringBuilder("/actuator/metrics/").append(name);
		for (int i = 0; i < tags.length; i++) {
			uri.append((i == 0) ? '?' : '&').append("tag=").append(tags[i]);
		}
		Map<?, ?> body = this.http.get().uri(URI.create(uri.toString())).exchange().expectStatus().isOk()
			.expectBody(Map.class).returnResult().getResponseBody();
		assertThat(body).isNotNull();
		for (Object measurement : (Iterable<?>) body.get("measurements")) {
			Map<?, ?> values = (Map<?, ?>) measurement;
			if (values.get("statistic").equals("VALUE") || values.get("statistic").equals("COUNT")) {
				return ((Number) values.get("value")).doubleValue();
			}
		}
		throw new AssertionError("no value in " + body);
	}

}
