package io.syncboot.server.internal.session;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

import io.syncboot.core.model.Changeset;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.server.internal.concurrent.ServerExecutors;
import io.syncboot.server.store.ClientFile;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A session whose cursor falls behind the compaction horizon while its uploads wait for the writer:
 * the download before {@code CLIENT_FILE_EXPIRED} tells the client every client version the server
 * integrated of its file, those queued included, and an upload that comes after is not integrated.
 * (A client told less would commit the missing ones again with fresh stamps in its recovering reset,
 * over later writes of others.) The writer is held by the test, so the order is certain.
 */
class SessionExpiryTests {

	@TempDir
	Path directory;

	private final SessionFixture fixture = new SessionFixture();

	@Test
	void theClientIsToldTheUploadsQueuedBeforeTheExpiryAndNoUploadAfterIsIntegrated() throws Exception {
		try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(this.directory);
				ServerExecutors executors = new ServerExecutors(2)) {
			ClientFile client = clientAfterThreeVersions(store);
			ServerSession session = new ServerSession(1, "p", true, "a", this.fixture.owner(),
					this.fixture.context(store, executors));
			session.ident(new SyncMessage.Ident(1, client.fileId(), client.salt(), 1, 0, store.serverSalt()));
			// an upload waits for the busy writer; then compaction passes the session's cursor
			CompletionStage<?> queued = session.upload(new SyncMessage.Upload(1, List.of(put(1, "a1"))));
			store.compact(System.currentTimeMillis() + 1_000);
			assertThat(store.compactedVersion("p")).isEqualTo(3);

			session.pumpStarting();
			assertThat(session.pump()).isFalse(); // the expiry waits for the queued upload
			this.fixture.pumps().clear();
			CompletionStage<?> late = session.upload(new SyncMessage.Upload(1, List.of(put(2, "a2"))));
			this.fixture.runHeldWriterWork();
			queued.toCompletableFuture().join();
			late.toCompletableFuture().join();
			await().atMost(Duration.ofSeconds(30)).untilAsserted(
					() -> assertThat(this.fixture.pumps()).as("a pump follows the read").contains(session));

			session.pumpStarting();
			assertThatThrownBy(session::pump).isInstanceOf(ProtocolException.class)
				.extracting(ex -> ((ProtocolException) ex).code()).isEqualTo(ErrorCode.CLIENT_FILE_EXPIRED);
			SyncMessage.Download beforeExpiry = (SyncMessage.Download) this.fixture.sent().get(this.fixture.sent().size() - 1);
			assertThat(Math.max(beforeExpiry.lastIntegratedClientVersion(), beforeExpiry.uploadAck())).isEqualTo(1);
			assertThat(store.findClientFile(client.fileId()).orElseThrow().lastIntegratedClientVersion())
				.as("the upload that came after the expiry was found is not integrated").isEqualTo(1);
		}
	}

	@Test
	void anIdentBehindTheHorizonIsToldTheUploadsAnEarlierConnectionQueued() throws Exception {
		try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(this.directory);
				ServerExecutors executors = new ServerExecutors(2)) {
			ClientFile client = clientAfterThreeVersions(store);
			ServerContext context = this.fixture.context(store, executors);
			// the client's former connection left an upload waiting for the writer
			ServerSession former = new ServerSession(1, "p", true, "a", this.fixture.owner(), context);
			former.ident(new SyncMessage.Ident(1, client.fileId(), client.salt(), 3, 0, store.serverSalt()));
			CompletionStage<?> queued = former.upload(new SyncMessage.Upload(1, List.of(put(1, "a1"))));
			former.release();
			store.compact(System.currentTimeMillis() + 1_000);

			ServerSession session = new ServerSession(2, "p", true, "a", this.fixture.owner(), context);
			session.ident(new SyncMessage.Ident(2, client.fileId(), client.salt(), 1, 0, store.serverSalt()));
			this.fixture.runHeldWriterWork();
			queued.toCompletableFuture().join();
			await().atMost(Duration.ofSeconds(30)).untilAsserted(
					() -> assertThat(this.fixture.pumps()).as("a pump follows the read").contains(session));

			session.pumpStarting();
			assertThatThrownBy(session::pump).isInstanceOf(ProtocolException.class)
				.extracting(ex -> ((ProtocolException) ex).code()).isEqualTo(ErrorCode.CLIENT_FILE_EXPIRED);
			SyncMessage.Download beforeExpiry = (SyncMessage.Download) this.fixture.sent().get(this.fixture.sent().size() - 1);
			assertThat(beforeExpiry.session()).isEqualTo(2);
			assertThat(beforeExpiry.lastIntegratedClientVersion()).isEqualTo(1);
		}
	}

	/** Three versions of partition "p" written by another client, and a client file of user "a" on it. */
	private static ClientFile clientAfterThreeVersions(JdbcHistoryStore store) {
		ClientFile writer = store.allocateClientFile("p", "w");
		ClientFile client = store.allocateClientFile("p", "a");
		for (int v = 1; v <= 3; v++) {
			store.integrate("p", writer.fileId(), List.of(put(v, "w" + v)), (rejected, current) -> List.of());
		}
		return client;
	}

	private static Changeset put(long clientVersion, String id) {
		return SessionFixture.put(clientVersion, id);
	}

}
