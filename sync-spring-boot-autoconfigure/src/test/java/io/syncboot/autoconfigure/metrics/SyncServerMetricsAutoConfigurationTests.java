package io.syncboot.autoconfigure.metrics;

import java.nio.file.Path;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncboot.autoconfigure.server.SyncServerAutoConfiguration;
import io.syncboot.server.SyncServerEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class SyncServerMetricsAutoConfigurationTests {

	@TempDir
	Path temp;

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncServerAutoConfiguration.class,
				SyncServerMetricsAutoConfiguration.class));

	private WebApplicationContextRunner withServer() {
		return this.runner.withPropertyValues("sync.server.enabled=true", "sync.server.allow-anonymous=true",
				"sync.server.data-directory=" + this.temp);
	}

	@Test
	void bindsTheServerMeters() {
		withServer().withBean(SimpleMeterRegistry.class).run(context -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(SyncServerMetrics.class).bindTo(registry);
			assertThat(registry.get("sync.server.connections").gauge().value()).isZero();
			assertThat(registry.get("sync.server.sessions").gauge().value()).isZero();
			assertThat(registry.get("sync.server.history.size").gauge().value()).isPositive();
		});
	}

	@Test
	void isAbsentWithoutARegistry() {
		withServer().run(context -> assertThat(context).doesNotHaveBean(SyncServerMetrics.class));
	}

	@Test
	void isAbsentWithoutTheServer() {
		this.runner.withBean(SimpleMeterRegistry.class)
			.run(context -> assertThat(context).doesNotHaveBean(SyncServerMetrics.class));
	}

	@Test
	void isAbsentWhenDisabled() {
		withServer().withBean(SimpleMeterRegistry.class).withPropertyValues("sync.metrics.enabled=false")
			.run(context -> assertThat(context).doesNotHaveBean(SyncServerMetrics.class));
	}

	@Test
	void isAbsentWithoutMicrometer() {
		withServer().withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run(context -> assertThat(context).doesNotHaveBean("syncServerMetrics"));
	}

	@Test
	void backsOffWhenTheUserDefinesOne() {
		withServer().withBean(SimpleMeterRegistry.class).withUserConfiguration(UserMetrics.class)
			.run(context -> assertThat(context).hasSingleBean(SyncServerMetrics.class).hasBean("myServerMetrics"));
	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class UserMetrics {

		@org.springframework.context.annotation.Bean
		SyncServerMetrics myServerMetrics(SyncServerEngine engine) {
			return new SyncServerMetrics(engine);
		}

	}

}
