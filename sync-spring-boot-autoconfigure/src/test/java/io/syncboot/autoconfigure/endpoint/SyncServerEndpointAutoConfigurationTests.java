package io.syncboot.autoconfigure.endpoint;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.syncboot.autoconfigure.client.SyncClientAutoConfiguration;
import io.syncboot.autoconfigure.client.SyncSessions;
import io.syncboot.autoconfigure.server.SyncServerAutoConfiguration;
import io.syncboot.server.SyncServerEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SyncServerEndpointAutoConfigurationTests {

	@TempDir
	Path temp;

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncServerAutoConfiguration.class,
				SyncServerEndpointAutoConfiguration.class, EndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=syncserver");

	private WebApplicationContextRunner withServer() {
		return this.runner.withPropertyValues("sync.server.enabled=true", "sync.server.allow-anonymous=true",
				"sync.server.data-directory=" + this.temp);
	}

	@Test
	void describesTheServer() {
		withServer().run(context -> {
			assertThat(context).hasSingleBean(SyncServerEndpoint.class);
			SyncServerEndpoint.ServerDescriptor server = context.getBean(SyncServerEndpoint.class).server();
			assertThat(server.path()).isEqualTo("/sync");
			assertThat(server.connections()).isZero();
			assertThat(server.sessions()).isZero();
			assertThat(server.partitions()).isZero();
			assertThat(server.storedPartitions()).isZero();
			assertThat(server.historySizeBytes()).isPositive();
			assertThat(server.dataDirectory()).isEqualTo(this.temp.toAbsolutePath().toString());
		});
	}

	@Test
	void countsThePartitionsOfRealClients() {
		try (ConfigurableApplicationContext server = new SpringApplicationBuilder(ServerApplication.class)
			.properties("server.port=0", "sync.server.enabled=true", "sync.server.allow-anonymous=true",
					"sync.server.data-directory=" + this.temp.resolve("server"),
					"management.endpoints.web.exposure.include=syncserver")
			.run()) {
			SyncServerEndpoint endpoint = server.getBean(SyncServerEndpoint.class);
			String url = "ws://localhost:" + server.getEnvironment().getProperty("local.server.port") + "/sync";
			new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SyncClientAutoConfiguration.class))
				.withPropertyValues("sync.server-url=" + url, "sync.base-directory=" + this.temp.resolve("client"),
						"sync.stop-policy=immediately", "sync.sessions.orders.partition=orders",
						"sync.sessions.stock.partition=stock")
				.run(client -> {
					SyncSessions sessions = client.getBean(SyncSessions.class);
					sessions.database("orders").collection("orders").put("o1", Map.of("total", 42));
					assertThat(sessions.session("orders").uploadAllLocalChanges(Duration.ofSeconds(20))).isTrue();
					assertThat(sessions.session("stock").downloadAllServerChanges(Duration.ofSeconds(20))).isTrue();
					await().atMost(Duration.ofSeconds(20)).until(() -> endpoint.server().sessions() == 2);
					SyncServerEndpoint.ServerDescriptor described = endpoint.server();
					assertThat(described.connections()).isEqualTo(1); // one user: the sessions share a socket
					assertThat(described.partitions()).isEqualTo(2);
					assertThat(described.storedPartitions()).isEqualTo(2);

					sessions.session("stock").suspend();
					await().atMost(Duration.ofSeconds(20)).until(() -> endpoint.server().partitions() == 1);
					assertThat(endpoint.server().sessions()).isEqualTo(1);
				});
			await().atMost(Duration.ofSeconds(20)).until(() -> endpoint.server().partitions() == 0);
			assertThat(endpoint.server().storedPartitions()).isEqualTo(2);
		}
	}

	@Test
	void isAbsentWithoutTheServer() {
		this.runner.run(context -> assertThat(context).doesNotHaveBean(SyncServerEndpoint.class));
	}

	@Test
	void isAbsentWhenNotExposed() {
		withServer().withPropertyValues("management.endpoints.web.exposure.include=health")
			.run(context -> assertThat(context).doesNotHaveBean(SyncServerEndpoint.class));
	}

	@Test
	void isAbsentWithoutTheServerLibrary() {
		withServer().withClassLoader(new FilteredClassLoader(SyncServerEngine.class))
			.run(context -> assertThat(context).doesNotHaveBean("syncServerEndpoint"));
	}

	@Test
	void backsOffWhenTheUserDefinesOne() {
		withServer().withUserConfiguration(UserEndpoint.class)
			.run(context -> assertThat(context).hasSingleBean(SyncServerEndpoint.class).hasBean("myServerEndpoint"));
	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ServerApplication {

	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class UserEndpoint {

		@org.springframework.context.annotation.Bean
		SyncServerEndpoint myServerEndpoint(SyncServerEngine engine) {
			return new SyncServerEndpoint(engine, "/mine", Path.of("mine"));
		}

	}

}
