package io.syncboot.demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The SyncBoot demo: a web application that, on its embedded defaults, serves the sync protocol
 * itself ({@code sync.server.enabled=true}) and syncs two sessions, {@code tasks} and {@code bulk},
 * through it. Its page at {@code http://localhost:8080/} shows every session live and edits the task
 * list. With the {@code client} profile it runs as a client only, against another instance.
 */
@SpringBootApplication
@EnableScheduling
public class DemoApplication {

	public static void main(String[] args) {
		SpringApplication.run(DemoApplication.class, args);
	}

}
