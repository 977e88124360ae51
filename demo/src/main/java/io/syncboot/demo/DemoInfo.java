package io.syncboot.demo;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** What this demo instance is (its port, whether it runs the sync server) and its startup banner. */
@Component
class DemoInfo {

	private static final Logger logger = LoggerFactory.getLogger(DemoInfo.class);

	private final Environment environment;

	DemoInfo(Environment environment) {
		this.environment = environment;
	}

	boolean runsServer() {
		return this.environment.getProperty("sync.server.enabled", Boolean.class, false);
	}

	String port() {
		return this.environment.getProperty("local.server.port", this.environment.getProperty("server.port", "8080"));
	}

	String serverUrl() {
		return this.environment.getProperty("sync.server-url", "");
	}

	Map<String, Object> describe() {
		Map<String, Object> info = new LinkedHashMap<>();
		info.put("port", port());
		info.put("role", runsServer() ? "sync server and client" : "client only");
		info.put("serverUrl", serverUrl());
		return info;
	}

	@EventListener(ApplicationReadyEvent.class)
	void printBanner() {
		String url = "http://localhost:" + port() + "/";
		StringBuilder banner = new StringBuilder();
		banner.append("\n\n  SyncBoot demo is running: open ").append(url).append('\n');
		if (runsServer()) {
			banner.append("  It serves the sync protocol at ws://localhost:").append(port()).append("/sync")
				.append(" and syncs its sessions through it.\n")
				.append("  Start a second instance that syncs with this one:\n")
				.append("    java -jar demo/target/syncboot-demo.jar --spring.profiles.active=client\n");
		}
		else {
			banner.append("  Client only: its sessions sync with ").append(serverUrl()).append('\n');
		}
		banner.append('\n');
		logger.info(banner.toString());
	}

}
