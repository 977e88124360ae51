package io.syncboot.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncCollection;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncUser;
import io.syncboot.server.SyncServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Opens the partition on two clients ("laptop", the auto-configured manager, and "phone", a second
 * manager with its own files), writes a task on the laptop every two seconds and logs every change
 * the phone receives, with both sessions' state changes.
 */
@Component
class TaskFeed {

	private static final Logger logger = LoggerFactory.getLogger(TaskFeed.class);

	private final SyncManager laptop;

	private final SyncManager phone;

	private final String partition;

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
		Thread thread = new Thread(runnable, "demo-writer");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicInteger counter = new AtomicInteger();

	/**
	 * Takes the embedded server (absent in client-only mode) as a dependency so that it stops after
	 * the clients.
	 */
	TaskFeed(Optional<SyncServer> server, SyncManager laptop, @Value("${demo.data-directory}") Path dataDirectory,
			@Value("${demo.partition}") String partition) {
		this.laptop = laptop;
		this.phone = SyncManager.create(SyncClientSettings.builder()
			.serverUrl(laptop.settings().serverUrl())
			.baseDirectory(dataDirectory.resolve("phone"))
			.reconnectInitialDelay(Duration.ofMillis(500))
			.build());
		this.partition = partition;
	}

	@EventListener(ApplicationReadyEvent.class)
	void start() {
		SyncDatabase laptopTasks = open(this.laptop, "laptop");
		SyncDatabase phoneTasks = open(this.phone, "phone");
		phoneTasks.addChangeListener(change -> {
			if (change.remote()) {
				for (String collection : change.collections()) {
					change.ids(collection).forEach(id -> logger.info("phone  <- received {}/{}: {}", collection, id,
							phoneTasks.collection(collection).get(id).map(d -> d.fields()).orElse(Map.of())));
				}
			}
		});
		SyncCollection tasks = laptopTasks.collection("tasks");
		logger.info("SyncBoot demo running: the laptop writes a task every 2 s, the phone receives it through the "
				+ "server at {}. Press Ctrl+C to stop.", this.laptop.settings().serverUrl());
		this.scheduler.scheduleWithFixedDelay(() -> {
			int n = this.counter.incrementAndGet();
			String id = "task-" + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "-" + n;
			tasks.put(id, Map.of("title", "Count stock on shelf " + n, "done", false));
			logger.info("laptop -> wrote    tasks/{} (pending uploads: {})", id, laptopTasks.pendingChanges());
		}, 1, 2, TimeUnit.SECONDS);
	}

	private SyncDatabase open(SyncManager manager, String name) {
		SyncUser user = manager.logIn(SyncCredentials.anonymous());
		SyncDatabase database = manager.open(SyncConfiguration.builder(user, this.partition).build());
		SyncSession session = manager.sessionFor(database).orElseThrow();
		session.addStateListener((oldState, newState) -> logger.info("{} session: {} -> {}", name, oldState, newState));
		session.addConnectionStateListener((oldState, newState, error) -> logger.info("{} connection: {} -> {}{}", name,
				oldState, newState, (error != null) ? " (" + error.getMessage() + ")" : ""));
		return database;
	}

	@jakarta.annotation.PreDestroy
	void stop() {
		this.scheduler.shutdownNow();
		this.phone.close();
	}

}
