package io.syncboot.autoconfigure.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.syncboot.client.SyncDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What an application's console shows when its SyncBoot configuration stops it from starting: the
 * failure analyses that Spring Boot reports through {@code META-INF/spring.factories}.
 */
@ExtendWith(OutputCaptureExtension.class)
class SyncClientStartupFailureReportTests {

	@TempDir
	Path temp;

	@Test
	void aMisspeltSessionKeyIsReportedWithTheKeyToSet(CapturedOutput output) {
		failsToStart("--sync.server-url=ws://localhost:9/sync", "--sync.session.tasks.partition=my-tasks");
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("required a SyncDatabase bean qualified 'tasks', but no SyncBoot session named 'tasks'")
			.contains("These properties mention 'tasks' but are not under sync.sessions: sync.session.tasks.partition")
			.contains("Set sync.sessions.tasks.partition to the partition the session syncs")
			.doesNotContain("Consider defining a bean of type");
	}

	@Test
	void anInvalidPartitionIsReportedWithItsKey(CapturedOutput output) {
		failsToStart("--sync.server-url=ws://localhost:9/sync", "--sync.sessions.tasks.partition=my tasks");
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("sync.sessions.tasks.partition is not a valid partition name: invalid partition 'my tasks'");
	}

	@Test
	void aBaseDirectoryThatIsAFileIsReportedWithItsKey(CapturedOutput output) throws Exception {
		Path file = Files.writeString(this.temp.resolve("a-file"), "");
		failsToStart("--sync.server-url=ws://localhost:9/sync", "--sync.sessions.tasks.partition=my-tasks",
				"--sync.base-directory=" + file);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value '" + file + "' for configuration property 'sync.base-directory'")
			.contains("It is a file, not a directory");
	}

	private void failsToStart(String... args) {
		List<String> all = new ArrayList<>(List.of("--spring.main.banner-mode=off", "--sync.stop-policy=immediately"));
		all.addAll(List.of(args));
		if (all.stream().noneMatch(arg -> arg.startsWith("--sync.base-directory="))) {
			all.add("--sync.base-directory=" + this.temp.resolve("sync-data"));
		}
		SpringApplication application = new SpringApplication(TasksApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run(all.toArray(String[]::new)).close());
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SyncClientAutoConfiguration.class)
	@Import(TaskList.class)
	static class TasksApplication {

	}

	static class TaskList {

		TaskList(@Qualifier("tasks") SyncDatabase tasks) {
		}

	}

}
