package io.syncboot.autoconfigure.endpoint;

import java.nio.file.Path;

import io.syncboot.autoconfigure.server.SyncServerAutoConfiguration;
import io.syncboot.server.SyncServerEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

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
			assertThat(server.historySizeBytes()).isPositive();
			assertThat(server.dataDirectory()).isEqualTo(this.temp.toAbsolutePath().toString());
		});
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
	static class UserEndpoint {

		@org.springframework.context.annotation.Bean
		SyncServerEndpoint myServerEndpoint(SyncServerEngine engine) {
			return new SyncServerEndpoint(engine, "/mine", Path.of("mine"));
		}

	}

}
