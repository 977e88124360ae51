package io.syncboot.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.server.internal.embedded.ConnectionBuffers;
import io.syncboot.server.internal.embedded.EmbeddedTomcat;
import jakarta.websocket.server.ServerContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The small per-connection buffers and the connection limit the server's Tomcat ships with: the
 * settings are in effect, messages far larger than every buffer arrive whole in both directions,
 * many sessions work side by side, and {@code maxConnections} holds further connections back.
 */
class ConnectionBuffersTests {

	@TempDir
	Path dataDirectory;

	private SyncServer.Builder server() {
		return SyncServer.builder().port(0).dataDirectory(this.dataDirectory).allowAnonymous();
	}

	@Test
	void shippedBuffersAndLimitsAreInEffect() {
		try (SyncServer server = server().build().start()) {
			EmbeddedTomcat tomcat = server.embeddedTomcat();
			assertThat(tomcat.connectorProperty("maxConnections")).hasToString("20000");
			assertThat(tomcat.connectorProperty("socket.appReadBufSize")).hasToString("1024");
			assertThat(tomcat.connectorProperty("socket.appWriteBufSize")).hasToString("1024");
			assertThat(tomcat.connectorProperty("socket.bufferPool")).hasToString("64");
			assertThat(tomcat.connectorProperty("processorCache")).hasToString("64");
			ServerContainer container = tomcat.webSocketContainer();
			assertThat(container).isNotNull();
			assertThat(container.getDefaultMaxTextMessageBufferSize()).isEqualTo(1024);
			assertThat(container.getDefaultMaxBinaryMessageBufferSize()).isEqualTo(1024);
			// a server embedded in this JVM leaves the JVM-wide frame buffer size alone
			assertThat(System.getProperty(ConnectionBuffers.FRAME_BUFFER_PROPERTY)).isNull();
			assertThat(ConnectionBuffers.frameBufferBytes()).isEqualTo(8192);
		}
	}

	@Test
	void maxConnectionsIsConfigurable() {
		try (SyncServer server = server().maxConnections(12_345).build().start()) {
			assertThat(server.embeddedTomcat().connectorProperty("maxConnections")).hasToString("12345");
		}
	}

	@Test
	void aMessageOfMegabytesCrossesTheSmallBuffersWhole() {
		// multi-byte characters (2, 3 and 4 bytes in UTF-8) so that buffer boundaries fall inside them
		StringBuilder text = new StringBuilder();
		int piece = 0;
		while (text.length() < 3_000_000) {
			text.append("syncboot-").append(piece++).append("-\u00fc\u20ac\uD83D\uDE00 ");
		}
		String big = text.toString();
		try (SyncServer server = server().build().start();
				RawSyncClient writer = new RawSyncClient(server.url());
				RawSyncClient reader = new RawSyncClient(server.url())) {
			writer.bindNew(1, "large");
			writer.expect(SyncMessage.Download.class);
			reader.bindNew(1, "large");
			reader.expect(SyncMessage.Download.class);
			writer.upload(1, new Changeset(1, 0, List.of(new Operation.Put("notes", "n1", 1, Map.of("body", big)))));
			assertThat(writer.expect(SyncMessage.Download.class).uploadAck()).isEqualTo(1);
			List<ServerChangeset> received = new ArrayList<>();
			reader.downloadsUntil(download -> download.serverVersion() >= 1)
				.forEach(download -> received.addAll(download.changesets()));
			assertThat(received).hasSize(1);
			Operation.Put put = (Operation.Put) received.get(0).operations().get(0);
			assertThat(put.fields().get("body")).isEqualTo(big);
		}
	}

	@Test
	void manySessionsWorkSideBySide() {
		int sessions = 150;
		List<RawSyncClient> clients = new ArrayList<>();
		try (SyncServer server = server().build().start()) {
			try {
				for (int i = 0; i < sessions; i++) {
					RawSyncClient client = new RawSyncClient(server.url());
					clients.add(client);
					client.bindNew(1, "many-" + i);
					client.expect(SyncMessage.Download.class);
				}
				assertThat(server.connectionCount()).isEqualTo(sessions);
				for (int i = 0; i < sessions; i++) {
					clients.get(i).send(new SyncMessage.Ping(i));
				}
				for (int i = 0; i < sessions; i++) {
					assertThat(clients.get(i).expect(SyncMessage.Pong.class).timestamp()).isEqualTo(i);
				}
			}
			finally {
				clients.forEach(RawSyncClient::close);
			}
		}
	}

	@Test
	void connectionsBeyondTheLimitWaitUntilOneCloses() throws Exception {
		try (SyncServer server = server().maxConnections(2).build().start();
				RawSyncClient kept = new RawSyncClient(server.url())) {
			RawSyncClient first = new RawSyncClient(server.url());
			first.send(new SyncMessage.Ping(1));
			first.expect(SyncMessage.Pong.class);
			CompletableFuture<RawSyncClient> third = CompletableFuture.supplyAsync(() -> new RawSyncClient(server.url()));
			try {
				Thread.sleep(1_500);
				assertThat(third).as("a third connection while two are open").isNotDone();
				first.close();
				try (RawSyncClient admitted = third.get(8, TimeUnit.SECONDS)) {
					admitted.send(new SyncMessage.Ping(3));
					assertThat(admitted.expect(SyncMessage.Pong.class).timestamp()).isEqualTo(3);
				}
				kept.send(new SyncMessage.Ping(2));
				assertThat(kept.expect(SyncMessage.Pong.class).timestamp()).isEqualTo(2);
			}
			finally {
				first.close();
				third.thenAccept(RawSyncClient::close);
			}
		}
	}

}
