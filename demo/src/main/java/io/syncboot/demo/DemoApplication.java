package io.syncboot.demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The SyncBoot demo: a sync server and two clients in one JVM on embedded defaults. One client
 * (the auto-configured {@code SyncManager}) writes a task every two seconds; the other logs each
 * task as it arrives through the server.
 */
@SpringBootApplication
public class DemoApplication {

	public static void main(String[] args) {
		SpringApplication.run(DemoApplication.class, args);
	}

}
