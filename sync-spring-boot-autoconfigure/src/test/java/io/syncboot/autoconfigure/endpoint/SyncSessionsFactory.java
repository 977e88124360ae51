package io.syncboot.autoconfigure.endpoint;

import io.syncboot.autoconfigure.client.SyncSessions;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Obtains an empty {@link SyncSessions} registry the way applications do, from the
 * auto-configuration.
 */
final class SyncSessionsFactory {

	SyncSessions empty() {
		SyncSessions[] sessions = new SyncSessions[1];
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(io.syncboot.autoconfigure.client.SyncClientAutoConfiguration.class))
			.withPropertyValues("sync.server-url=ws://localhost:9/sync",
					"sync.base-directory=" + System.getProperty("java.io.tmpdir") + "/syncboot-empty-sessions")
			.run(context -> sessions[0] = context.getBean(SyncSessions.class));
		return sessions[0];
	}

}
