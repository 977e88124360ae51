package io.syncboot.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.HybridLogicalClock;
import io.syncboot.core.model.Operation;
import io.syncboot.core.protocol.SyncMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that sends uploads faster than the server integrates them is slowed by TCP: past the
 * connection's inbound limit the server stops reading its socket (Tomcat's suspend), and reads
 * again once the backlog is below it. No container thread waits meanwhile (with a few hundred such
 * clients, waiting threads would leave none to read anyone else), and every upload is acknowledged.
 */
class InboundBackPressureTests {

	private static final int UPLOADS = 300;

	private static final MessageCodec CODEC = new MessageCodec();

	private static final String SERVER_CONNECTION = "io.syncboot.server.internal.transport.ServerConnection";

	@TempDir
	Path dataDirectory;

	@Test
	void aFloodingClientIsPausedWithoutHoldingAContainerThreadAndEveryUploadIsAcknowledged() throws Exception {
		// 64 KiB messages: the inbound limit is then its minimum, 4 MiB, about 70 uploads of 60 KB
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.dataDirectory).allowAnonymous()
			.maxMessageBytes(64 * 1024).build().start(); RawSyncClient client = new RawSyncClient(server.url())) {
			client.bindNew(1, "flood");
			client.expect(SyncMessage.Download.class);
			AtomicBoolean flooding = new AtomicBoolean(true);
			List<String> waiting = new ArrayList<>();
			CompletableFuture<Void> sampler = CompletableFuture.runAsync(() -> {
				while (flooding.get()) {
					Thread.getAllStackTraces().forEach((thread, stack) -> {
						for (StackTraceElement frame : stack) {
							if (frame.getMethodName().equals("awaitBelowLimit")) {
								synchronized (waiting) {
									waiting.add(thread.getName());
								}
							}
						}
					});
					sleep(2);
				}
			});
			// encoded first, so that the client sends as fast as its socket takes them
			List<String> uploads = new ArrayList<>();
			long clock = HybridLogicalClock.pack(System.currentTimeMillis(), 0);
			String body = "b".repeat(180);
			for (int version = 1; version <= UPLOADS; version++) {
				List<Operation> puts = new ArrayList<>();
				for (int i = 0; i < 220; i++) {
					puts.add(new Operation.Put("docs", "d-" + version + "-" + i, ++clock, Map.of("body", body)));
				}
				uploads.add(CODEC.encode(new SyncMessage.Upload(1, List.of(new Changeset(version, 0, puts)))));
			}
			Logger connectionLog = (Logger) LoggerFactory.getLogger(SERVER_CONNECTION);
			Level level = connectionLog.getLevel();
			ListAppender<ILoggingEvent> log = new ListAppender<>();
			log.start();
			connectionLog.setLevel(Level.DEBUG);
			connectionLog.addAppender(log);
			try {
				uploads.forEach(client::sendText);
			}
			finally {
				connectionLog.detachAppender(log);
				connectionLog.setLevel(level);
			}
			assertThat(log.list).as("the flood went over the connection's inbound limit")
				.anyMatch(event -> event.getFormattedMessage().contains("reading suspended"));
			long acknowledged = 0;
			while (acknowledged < UPLOADS) {
				if (client.next() instanceof SyncMessage.Download download) {
					acknowledged = Math.max(acknowledged, download.uploadAck());
				}
			}
			flooding.set(false);
			sampler.get(10, TimeUnit.SECONDS);
			assertThat(acknowledged).isEqualTo(UPLOADS);
			synchronized (waiting) {
				assertThat(waiting).as("threads waiting for the connection's backlog to drain").isEmpty();
			}
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
