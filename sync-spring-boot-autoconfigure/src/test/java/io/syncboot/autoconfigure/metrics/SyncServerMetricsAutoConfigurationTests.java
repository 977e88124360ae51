package io.syncboot.autoconfigure.metrics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncboot.autoconfigure.client.SyncClientAutoConfiguration;
import io.syncboot.autoconfigure.server.SyncServerAutoConfiguration;
import io.syncboot.server.SyncServerEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
			SyncServerMetrics metrics = context.getBean(SyncServerMetrics.class);
			metrics.bindTo(registry);
			metrics.readStoreFigures();
			assertThat(registry.get("sync.server.connections").gauge().value()).isZero();
			assertThat(registry.get("sync.server.sessions").gauge().value()).isZero();
			assertThat(registry.get("sync.server.partitions").gauge().value()).isZero();
			assertThat(registry.get("sync.server.partitions.stored").gauge().value()).isZero();
			assertThat(registry.get("sync.server.history.size").gauge().value()).isPositive();
		});
	}

	@Test
	void thePartitionMetersFollowTheSessionsOfRealClients() {
		try (ConfigurableApplicationContext server = new SpringApplicationBuilder(ServerApplication.class)
			.properties("server.port=0", "sync.server.enabled=true", "sync.server.allow-anonymous=true",
					"sync.server.data-directory=" + this.temp.resolve("server"))
			.run()) {
			MeterRegistry registry = server.getBean(MeterRegistry.class);
			SyncServerMetrics metrics = server.getBean(SyncServerMetrics.class);
			String url = "ws://localhost:" + server.getEnvironment().getProperty("local.server.port") + "/sync";
			metrics.readStoreFigures();
			assertThat(registry.get("sync.server.partitions").gauge().value()).isZero();
			assertThat(registry.get("sync.server.partitions.stored").gauge().value()).isZero();
			client(url, "first", "orders", "stock").run(first -> {
				await().atMost(Duration.ofSeconds(20))
					.until(() -> registry.get("sync.server.partitions").gauge().value() == 2);
				client(url, "second", "orders").run(second -> {
					// a third session, on a partition already served
					await().atMost(Duration.ofSeconds(20))
						.until(() -> registry.get("sync.server.sessions").gauge().value() == 3);
					assertThat(registry.get("sync.server.partitions").gauge().value()).isEqualTo(2);
				});
				metrics.readStoreFigures();
				assertThat(registry.get("sync.server.partitions.stored").gauge().value()).isEqualTo(2);
			});
			// the clients are gone; the store keeps their partitions
			await().atMost(Duration.ofSeconds(20))
				.until(() -> registry.get("sync.server.partitions").gauge().value() == 0);
			metrics.readStoreFigures();
			assertThat(registry.get("sync.server.partitions.stored").gauge().value()).isEqualTo(2);
		}
	}

	@Test
	void theStoreFiguresAreReadOffTheScrapeThreadWhenOldAndGoneAfterClose() {
		withServer().run(context -> {
			SyncServerEngine engine = context.getBean(SyncServerEngine.class);
			MeterRegistry registry = new SimpleMeterRegistry();
			SyncServerMetrics metrics = new SyncServerMetrics(engine, Duration.ZERO);
			metrics.bindTo(registry);
			// binding asked for a first read; every later scrape finds the figures old and asks again
			await().atMost(Duration.ofSeconds(10))
				.until(() -> registry.get("sync.server.partitions.stored").gauge().value() == 0);
			engine.store().allocateClientFile("orders");
			engine.store().allocateClientFile("stock");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> registry.get("sync.server.partitions.stored").gauge().value() == 2);
			assertThat(registry.get("sync.server.history.size").gauge().value()).isPositive();
			metrics.close();
			assertThat(registry.get("sync.server.partitions.stored").gauge().value()).as("closed").isNaN();
			assertThat(registry.get("sync.server.history.size").gauge().value()).as("closed").isNaN();
		});
	}

	/** A client application with one session per partition, started with its context. */
	private ApplicationContextRunner client(String url, String name, String... partitions) {
		List<String> properties = new ArrayList<>(List.of("sync.server-url=" + url,
				"sync.base-directory=" + this.temp.resolve(name), "sync.stop-policy=immediately"));
		for (String partition : partitions) {
			properties.add("sync.sessions." + partition + ".partition=" + partition);
		}
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SyncClientAutoConfiguration.class))
			.withPropertyValues(properties.toArray(String[]::new));
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
	@EnableAutoConfiguration
	static class ServerApplication {

	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class UserMetrics {

		@org.springframework.context.annotation.Bean
		SyncServerMetrics myServerMetrics(SyncServerEngine engine) {
			return new SyncServerMetrics(engine);
		}

	}

}
