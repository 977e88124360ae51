package io.syncboot.autoconfigure.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;
import org.springframework.web.context.WebApplicationContext;

/**
 * Says why no sync server runs although {@code sync.server.enabled=true}: {@code sync-server} (or
 * Spring WebSocket) is not on the class path, or the application is not a servlet web application.
 * Logs one warning at startup; changes nothing else.
 */
@AutoConfiguration(after = SyncServerAutoConfiguration.class)
@ConditionalOnBooleanProperty("sync.server.enabled")
@ConditionalOnMissingBean(type = "io.syncboot.server.SyncServerEngine")
public final class SyncServerNotStartedAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(SyncServerNotStartedAutoConfiguration.class);

	SyncServerNotStartedAutoConfiguration() {
	}

	@Bean
	static SyncServerNotStartedWarning syncServerNotStartedWarning(ApplicationContext context) {
		return new SyncServerNotStartedWarning(reason(context));
	}

	static String reason(ApplicationContext context) {
		ClassLoader classLoader = context.getClassLoader();
		if (!ClassUtils.isPresent("io.syncboot.server.SyncServerEngine", classLoader)) {
			return "io.syncboot:sync-server is not on the class path";
		}
		if (!ClassUtils.isPresent("org.springframework.web.socket.config.annotation.WebSocketConfigurer", classLoader)) {
			return "Spring WebSocket (spring-boot-starter-websocket) is not on the class path";
		}
		if (!(context instanceof WebApplicationContext)) {
			return "the application is not a servlet web application (add spring-boot-starter-webmvc)";
		}
		return "its auto-configuration did not apply (see the condition evaluation report, --debug)";
	}

	/** Logs the reason once, when created. */
	static final class SyncServerNotStartedWarning {

		private final String reason;

		SyncServerNotStartedWarning(String reason) {
			this.reason = reason;
			logger.warn("sync.server.enabled=true, but no sync server runs: {}", reason);
		}

		String reason() {
			return this.reason;
		}

	}

}
