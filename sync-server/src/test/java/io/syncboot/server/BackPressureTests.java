package io.syncboot.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.protocol.SyncMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that stops reading never holds up the others and is disconnected after the send timeout.
 */
class BackPressureTests {

	private static final int CHANGESETS = 64;

	@TempDir
	Path dataDirectory;

	@Test
	void stuckReaderNeverBlocksOthersAndIsDisconnected() throws Exception {
		try (SyncServer server = SyncServer.builder()
			.port(0)
			.dataDirectory(this.dataDirectory)
			.allowAnonymous()
			.sendTimeout(Duration.ofSeconds(8))
			.build()
			.start(); RawSyncClient writer = new RawSyncClient(server.url());
				RawSyncClient good = new RawSyncClient(server.url())) {
			RawSyncClient.Identity stuckFile;
			try (RawSyncClient allocator = new RawSyncClient(server.url())) {
				stuckFile = allocator.bindNew(1, "bp");
				allocator.expect(SyncMessage.Download.class);
			}
			writer.bindNew(1, "bp");
			writer.expect(SyncMessage.Download.class);
			good.bindNew(1, "bp");
			good.expect(SyncMessage.Download.class);

			MessageCodec codec = new MessageCodec();
			try (StuckSocketClient stuck = new StuckSocketClient(server.port(), "/sync")) {
				stuck.sendText(codec.encode(new SyncMessage.Bind(1, "bp", false)));
				stuck.sendText(codec.encode(new SyncMessage.Ident(1, stuckFile.fileId(), stuckFile.fileSalt(), 0, 0,
						stuckFile.serverSalt())));
				await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 3);

				String blob = "x".repeat(5_000);
				long received = 0;
				Duration slowest = Duration.ZERO;
				for (int v = 1; v <= CHANGESETS; v++) {
					List<Operation> ops = new ArrayList<>();
					for (int i = 0; i < 50; i++) {
						ops.add(new Operation.Put("blobs", "b-" + v + "-" + i, 1_000L * v + i, Map.of("data", blob)));
					}
					writer.upload(1, new Changeset(v, 0, ops));
					assertThat(writer.expect(SyncMessage.Download.class).uploadAck()).isEqualTo(v);
					long start = System.nanoTime();
					long version = v;
					for (SyncMessage.Download download : good.downloadsUntil(d -> d.serverVersion() >= version)) {
						for (ServerChangeset changeset : download.changesets()) {
							assertThat(changeset.serverVersion()).isEqualTo(received + 1);
							received = changeset.serverVersion();
						}
					}
					Duration took = Duration.ofNanos(System.nanoTime() - start);
					slowest = (took.compareTo(slowest) > 0) ? took : slowest;
				}
				assertThat(received).as("the reading client got every change").isEqualTo(CHANGESETS);
				// a reader held up by the stuck one would wait for the 8 s send timeout
				assertThat(slowest).as("the slowest fan-out to the reading client").isLessThan(Duration.ofSeconds(4));

				await().atMost(Duration.ofSeconds(30)).until(() -> server.connectionCount() == 2);
				long bytes = stuck.drainUntilClosed(Duration.ofSeconds(30));
				assertThat(bytes).as("the stuck client got part of the data before it stopped reading")
					.isLessThan(50L * 1024 * 1024);
			}
			good.send(new SyncMessage.Ping(3));
			assertThat(good.expect(SyncMessage.Pong.class).timestamp()).isEqualTo(3);
		}
	}

}
