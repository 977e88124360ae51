package io.syncboot.autoconfigure.client;

import java.nio.file.Path;

import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class MissingSyncSessionFailureAnalyzerTests {

	@TempDir
	Path temp;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncClientAutoConfiguration.class));

	@Test
	void namesTheKeyToSetTheConfiguredSessionsAndAMisspeltKey() {
		FailureAnalysis analysis = analyze(NeedsTasksDatabase.class, "sync.server-url=ws://localhost:9/sync",
				"sync.session.tasks.partition=tasks", "sync.sessions.orders.partition=orders");
		assertThat(analysis.getDescription()).contains("NeedsTasksDatabase")
			.contains("required a SyncDatabase bean qualified 'tasks', but no SyncBoot session named 'tasks' is "
					+ "configured")
			.contains("Configured sessions (sync.sessions): orders.")
			.contains("These properties mention 'tasks' but are not under sync.sessions: "
					+ "sync.session.tasks.partition.");
		assertThat(analysis.getAction()).startsWith("Set sync.sessions.tasks.partition to the partition the session "
				+ "syncs. Each entry of sync.sessions becomes a SyncDatabase and a SyncSession bean qualified by its "
				+ "name, so @Qualifier may also name one of the configured sessions.");
	}

	@Test
	void asksForTheServerUrlTooWhenItIsMissing() {
		FailureAnalysis analysis = analyze(NeedsTasksSession.class, "sync.sesions.tasks.partition=tasks");
		assertThat(analysis.getDescription()).contains("required a SyncSession bean qualified 'tasks'")
			.contains("Configured sessions (sync.sessions): none.")
			.contains("sync.sesions.tasks.partition");
		assertThat(analysis.getAction()).contains("Set sync.sessions.tasks.partition to the partition the session "
				+ "syncs, and sync.server-url to the server's WebSocket URL.");
	}

	@Test
	void explainsAnUnqualifiedDatabase() {
		FailureAnalysis analysis = analyze(NeedsADatabase.class, "sync.server-url=ws://localhost:9/sync");
		assertThat(analysis.getDescription()).contains("required a SyncDatabase bean, but no SyncBoot session is "
				+ "configured");
		assertThat(analysis.getAction()).contains("Set sync.sessions.<name>.partition", "@Qualifier(\"<name>\")");
	}

	@Test
	void leavesAConfiguredSessionToSpringBootsAnalyzer() {
		// configured but the client is switched off: the generic analysis reports the condition
		assertThat(analyze(NeedsTasksDatabase.class, "sync.enabled=false", "sync.server-url=ws://localhost:9/sync",
				"sync.sessions.tasks.partition=tasks"))
			.isNull();
	}

	@Test
	void namesTheQualifierOfTheDependencyThatIsMissingDeepInAChain() {
		// a controller needs a service that needs the database: the service's qualifier counts
		FailureAnalysis analysis = analyze(new Class<?>[] { NeedsAServiceThatNeedsTasks.class,
				ServiceThatNeedsTasks.class }, "sync.server-url=ws://localhost:9/sync", "sync.sessions.orders.partition=orders");
		assertThat(analysis.getDescription()).contains("required a SyncDatabase bean qualified 'tasks'",
				"no SyncBoot session named 'tasks' is configured", "Configured sessions (sync.sessions): orders.");
	}

	@Test
	void leavesOtherMissingBeansAlone() {
		assertThat(analyze(NeedsAManager.class)).isNull();
	}

	private FailureAnalysis analyze(Class<?> component, String... properties) {
		return analyze(new Class<?>[] { component }, properties);
	}

	private FailureAnalysis analyze(Class<?>[] components, String... properties) {
		MockEnvironment environment = new MockEnvironment();
		for (String property : properties) {
			String[] keyAndValue = property.split("=", 2);
			environment.setProperty(keyAndValue[0], keyAndValue[1]);
		}
		Throwable[] failure = new Throwable[1];
		this.runner.withPropertyValues(properties)
			.withPropertyValues("sync.base-directory=" + this.temp)
			.withUserConfiguration(components)
			.run(context -> {
				assertThat(context).hasFailed();
				failure[0] = context.getStartupFailure();
			});
		return new MissingSyncSessionFailureAnalyzer(environment).analyze(failure[0]);
	}

	static class NeedsTasksDatabase {

		NeedsTasksDatabase(@Qualifier("tasks") SyncDatabase tasks) {
		}

	}

	static class NeedsAServiceThatNeedsTasks {

		NeedsAServiceThatNeedsTasks(ServiceThatNeedsTasks service) {
		}

	}

	static class ServiceThatNeedsTasks {

		ServiceThatNeedsTasks(@Qualifier("tasks") SyncDatabase tasks) {
		}

	}

	static class NeedsTasksSession {

		NeedsTasksSession(@Qualifier("tasks") SyncSession tasks) {
		}

	}

	static class NeedsADatabase {

		NeedsADatabase(SyncDatabase database) {
		}

	}

	static class NeedsAManager {

		NeedsAManager(SyncManager manager) {
		}

	}

}
