package io.syncboot.autoconfigure.client;

import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class SyncClientAutoConfigurationTests {

	@TempDir
	Path temp;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncClientAutoConfiguration.class));

	@Test
	void createsAManagerFromProperties() {
		this.runner
			.withPropertyValues("sync.server-url=ws://localhost:9/sync", "sync.base-directory=" + this.temp,
					"sync.reconnect-initial-delay=250ms")
			.run(context -> {
				assertThat(context).hasSingleBean(SyncManager.class);
				SyncClientSettings settings = context.getBean(SyncManager.class).settings();
				assertThat(settings.serverUrl()).hasToString("ws://localhost:9/sync");
				assertThat(settings.baseDirectory()).isEqualTo(this.temp);
				assertThat(settings.reconnectInitialDelay()).hasMillis(250);
			});
	}

	@Test
	void backsOffWithoutServerUrl() {
		this.runner.run(context -> assertThat(context).doesNotHaveBean(SyncManager.class));
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("sync.enabled=false", "sync.server-url=ws://localhost:9/sync")
			.run(context -> assertThat(context).doesNotHaveBean(SyncManager.class));
	}

	@Test
	void backsOffWhenTheClientIsMissing() {
		this.runner.withClassLoader(new FilteredClassLoader(SyncManager.class))
			.withPropertyValues("sync.server-url=ws://localhost:9/sync")
			.run(context -> assertThat(context).doesNotHaveBean(SyncManager.class));
	}

	@Test
	void backsOffWhenTheUserDefinesAManager() {
		this.runner.withPropertyValues("sync.server-url=ws://localhost:9/sync", "sync.base-directory=" + this.temp)
			.withBean("mine", SyncManager.class,
					() -> SyncManager.create(SyncClientSettings.builder()
						.serverUrl(java.net.URI.create("ws://localhost:10/sync"))
						.baseDirectory(this.temp.resolve("mine"))
						.build()), bd -> bd.setDestroyMethodName("close"))
			.run(context -> {
				assertThat(context).hasSingleBean(SyncManager.class);
				assertThat(context.getBean(SyncManager.class).settings().serverUrl()).hasToString("ws://localhost:10/sync");
			});
	}

}
