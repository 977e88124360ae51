package io.syncboot.demo;

import java.nio.file.Path;

import io.syncboot.server.SyncServer;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts the demo's embedded sync server unless {@code demo.server.enabled=false} (client-only
 * mode against another server).
 */
@Configuration(proxyBeanMethods = false)
@org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty(name = "demo.server.enabled", matchIfMissing = true)
class DemoServerConfiguration {

	@Bean(destroyMethod = "close")
	SyncServer demoSyncServer(@Value("${demo.server.port}") int port,
			@Value("${demo.data-directory}") Path dataDirectory) {
		return SyncServer.builder()
			.port(port)
			.dataDirectory(dataDirectory.resolve("server"))
			.allowAnonymous()
			.build()
			.start();
	}

}
