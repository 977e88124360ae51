package io.syncboot.autoconfigure.server;

import java.nio.file.Path;

import io.syncboot.autoconfigure.server.SyncServerNotStartedAutoConfiguration.SyncServerNotStartedWarning;
import io.syncboot.server.SyncServerEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sync.server.enabled=true} where no sync server can run is said, with the reason. */
class SyncServerNotStartedAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(SyncServerAutoConfiguration.class,
			SyncServerNotStartedAutoConfiguration.class);

	@TempDir
	Path temp;

	@Test
	void aNonWebApplicationIsToldItNeedsTheWebStarter() {
		new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues("sync.server.enabled=true", "sync.server.allow-anonymous=true")
			.run(context -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(SyncServerEngine.class);
				assertThat(context.getBean(SyncServerNotStartedWarning.class).reason())
					.contains("not a servlet web application");
			});
	}

	@Test
	void aWebApplicationWithoutTheServerModuleIsToldWhichDependencyIsMissing() {
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withClassLoader(new FilteredClassLoader(SyncServerEngine.class))
			.withPropertyValues("sync.server.enabled=true")
			.run(context -> assertThat(context.getBean(SyncServerNotStartedWarning.class).reason())
				.contains("io.syncboot:sync-server"));
	}

	@Test
	void nothingIsSaidWhenTheServerRunsOrIsNotEnabled() {
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues("sync.server.enabled=true", "sync.server.allow-anonymous=true",
					"sync.server.data-directory=" + this.temp.resolve("server"))
			.run(context -> assertThat(context).hasSingleBean(SyncServerEngine.class)
				.doesNotHaveBean(SyncServerNotStartedWarning.class));
		new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.run(context -> assertThat(context).doesNotHaveBean(SyncServerNotStartedWarning.class));
	}

}
