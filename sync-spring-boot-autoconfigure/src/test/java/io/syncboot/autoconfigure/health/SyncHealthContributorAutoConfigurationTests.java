package io.syncboot.autoconfigure.health;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import io.syncboot.autoconfigure.client.SyncClientAutoConfiguration;
import io.syncboot.autoconfigure.client.SyncSessions;
import io.syncboot.client.SyncSessionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SyncHealthContributorAutoConfigurationTests {

	@TempDir
	Path temp;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncClientAutoConfiguration.class,
				SyncHealthContributorAutoConfiguration.class));

	private ApplicationContextRunner withSessions() {
		// Port 9 (discard) refuses connections: the sessions stay disconnected.
		return this.runner.withPropertyValues("sync.server-url=ws://localhost:9/sync",
				"sync.base-directory=" + this.temp, "sync.sessions.orders.partition=orders",
				"sync.sessions.catalog.partition=catalog");
	}

	@Test
	void isPresentByDefault() {
		withSessions().run(context -> assertThat(context).hasSingleBean(SyncHealthIndicator.class)
			.hasBean("syncHealthIndicator"));
	}

	@Test
	void isAbsentWhenDisabled() {
		withSessions().withPropertyValues("management.health.sync.enabled=false")
			.run(context -> assertThat(context).doesNotHaveBean(SyncHealthIndicator.class));
	}

	@Test
	void isAbsentWithoutSpringBootHealth() {
		withSessions().withClassLoader(new FilteredClassLoader(ConditionalOnEnabledHealthIndicator.class))
			.run(context -> assertThat(context).doesNotHaveBean(SyncHealthIndicator.class));
	}

	@Test
	void isAbsentWithoutTheClient() {
		this.runner.run(context -> assertThat(context).doesNotHaveBean(SyncHealthIndicator.class));
	}

	@Test
	void backsOffWhenTheUserDefinesOne() {
		withSessions().withBean("syncHealthIndicator", HealthIndicator.class, () -> () -> Health.up().build())
			.run(context -> assertThat(context).doesNotHaveBean(SyncHealthIndicator.class)
				.hasBean("syncHealthIndicator"));
	}

	@Test
	void disconnectedSessionsAreUpWithinTheGracePeriodAndDownAfterIt() {
		withSessions().run(context -> {
			SyncSessions sessions = context.getBean(SyncSessions.class);
			SyncHealthIndicator withinGrace = new SyncHealthIndicator(sessions, Duration.ofMinutes(1));
			Health health = withinGrace.health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			Map<?, ?> details = (Map<?, ?>) health.getDetails().get("sessions");
			assertThat(new java.util.ArrayList<Object>(details.keySet())).containsExactly("orders", "catalog");
			Map<?, ?> orders = (Map<?, ?>) details.get("orders");
			assertThat(orders.get("state")).isEqualTo(SyncSessionState.ACTIVE);
			assertThat(orders.get("partition")).isEqualTo("orders");
			assertThat(orders.get("disconnectedSince")).isNotNull();
			Clock later = Clock.fixed(Instant.now().plus(Duration.ofMinutes(2)), ZoneOffset.UTC);
			assertThat(new SyncHealthIndicator(sessions, Duration.ofMinutes(1), later).health().getStatus())
				.isEqualTo(Status.DOWN);
			// a suspended session does not count
			sessions.session("orders").suspend();
			sessions.session("catalog").suspend();
			assertThat(new SyncHealthIndicator(sessions, Duration.ofMinutes(1), later).health().getStatus())
				.isEqualTo(Status.UP);
		});
	}

	@Test
	void anInvalidSessionIsDown() {
		withSessions().withPropertyValues("sync.health.disconnected-grace-period=1h").run(context -> {
			SyncSessions sessions = context.getBean(SyncSessions.class);
			HealthIndicator indicator = context.getBean(SyncHealthIndicator.class);
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
			sessions.database("orders").configuration().user().logOut();
			await().until(() -> sessions.session("orders").state() == SyncSessionState.INVALID);
			Health health = indicator.health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			Map<?, ?> orders = (Map<?, ?>) ((Map<?, ?>) health.getDetails().get("sessions")).get("orders");
			assertThat(orders.get("state")).isEqualTo(SyncSessionState.INVALID);
			assertThat(orders.get("status")).isEqualTo("DOWN");
		});
	}

}
