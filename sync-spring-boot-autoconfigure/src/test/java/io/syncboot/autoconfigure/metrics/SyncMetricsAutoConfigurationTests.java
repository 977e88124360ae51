package io.syncboot.autoconfigure.metrics;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncboot.autoconfigure.client.SyncClientAutoConfiguration;
import io.syncboot.autoconfigure.client.SyncSessions;
import io.syncboot.autoconfigure.event.SyncChangesReceivedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class SyncMetricsAutoConfigurationTests {

	@TempDir
	Path temp;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncClientAutoConfiguration.class, SyncMetricsAutoConfiguration.class));

	private ApplicationContextRunner withSessions() {
		return this.runner.withPropertyValues("sync.server-url=ws://localhost:9/sync",
				"sync.base-directory=" + this.temp, "sync.sessions.orders.partition=orders",
				"sync.sessions.catalog.partition=catalog");
	}

	@Test
	void bindsTheSessionMeters() {
		withSessions().withBean(SimpleMeterRegistry.class).run(context -> {
			assertThat(context).hasSingleBean(SyncMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(SyncMetrics.class).bindTo(registry);
			assertThat(registry.get("sync.sessions").tag("state", "active").gauge().value()).isEqualTo(2.0);
			assertThat(registry.get("sync.sessions").tag("state", "invalid").gauge().value()).isZero();
			assertThat(registry.get("sync.pending.changesets").tag("session", "orders").gauge().value()).isZero();
			context.getBean(SyncSessions.class).database("orders").collection("tasks").put("t1",
					java.util.Map.of("title", "Count stock"));
			assertThat(registry.get("sync.pending.changesets").tag("session", "orders").gauge().value()).isEqualTo(1.0);
			assertThat(registry.get("sync.transferred.bytes").tags("session", "orders", "direction", "upload")
				.functionCounter()).isNotNull();
			assertThat(registry.get("sync.latency").tags("session", "catalog", "direction", "upload").timer().count())
				.isZero();
			Timer download = registry.get("sync.latency").tags("session", "orders", "direction", "download").timer();
			assertThat(download.count()).isZero();
			SyncSessions sessions = context.getBean(SyncSessions.class);
			context.publishEvent(new SyncChangesReceivedEvent(sessions.session("orders"), "orders",
					Instant.now(), Duration.ofMillis(12)));
			assertThat(download.count()).isEqualTo(1);
			assertThat(download.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(12.0);
			context.getBean(SyncSessions.class).session("orders").suspend();
			assertThat(registry.get("sync.sessions").tag("state", "inactive").gauge().value()).isEqualTo(1.0);
		});
	}

	@Test
	void isAbsentWithoutARegistry() {
		withSessions().run(context -> assertThat(context).doesNotHaveBean(SyncMetrics.class));
	}

	@Test
	void isAbsentWhenDisabled() {
		withSessions().withBean(SimpleMeterRegistry.class).withPropertyValues("sync.metrics.enabled=false")
			.run(context -> assertThat(context).doesNotHaveBean(SyncMetrics.class));
	}

	@Test
	void isAbsentWithoutMicrometer() {
		withSessions().withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run(context -> assertThat(context).doesNotHaveBean("syncMetrics"));
	}

	@Test
	void isAbsentWithoutTheClient() {
		this.runner.withBean(SimpleMeterRegistry.class)
			.run(context -> assertThat(context).doesNotHaveBean(SyncMetrics.class));
	}

	@Test
	void backsOffWhenTheUserDefinesOne() {
		withSessions().withBean(SimpleMeterRegistry.class)
			.withUserConfiguration(UserMetrics.class)
			.run(context -> assertThat(context).hasSingleBean(SyncMetrics.class).hasBean("mySyncMetrics"));
	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class UserMetrics {

		@org.springframework.context.annotation.Bean
		SyncMetrics mySyncMetrics(SyncSessions sessions) {
			return new SyncMetrics(sessions);
		}

	}

}
