package io.syncboot.client.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.syncboot.client.StopPolicy;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncUser;
import io.syncboot.core.protocol.SyncMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.syncboot.client.e2e.SyncTestSupport.LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Download waits against a scripted server: what a refused or timed-out call leaves behind, timeouts
 * of any length, and a closed database.
 */
class WaitProtocolTests {

	@TempDir
	Path dir;

	private FakeSyncServer server;

	private SyncManager manager;

	private SyncUser user;

	@BeforeEach
	void start() throws Exception {
		this.server = new FakeSyncServer();
		this.manager = SyncManager.create(this.server.clientSettings(this.dir));
		this.user = this.manager.logIn(SyncCredentials.anonymous());
	}

	@AfterEach
	void stop() throws Exception {
		this.manager.close();
		this.server.close();
	}

	@Test
	void aBlockingDownloadWaitRefusedForItsTimeoutAsksTheServerForNothing() throws Exception {
		SyncDatabase database = this.manager.open(SyncConfiguration.builder(this.user, "p").build());
		SyncSession session = this.manager.sessionFor(database).orElseThrow();
		assertThatIllegalArgumentException().isThrownBy(() -> session.downloadAllServerChanges(Duration.ZERO));
		assertThatIllegalArgumentException().isThrownBy(() -> session.uploadAllLocalChanges(Duration.ofSeconds(-1)));

		this.server.upgrade(this.server.acceptHandshake());
		SyncMessage.Bind bind = (SyncMessage.Bind) next();
		this.server.send(new SyncMessage.Ident(bind.session(), 5, 55, 0, 0, 555));
		assertThat(next()).isInstanceOf(SyncMessage.Ident.class);
		CompletableFuture<Void> wait = session.waitForDownloadCompletion();
		SyncMessage.Mark mark = (SyncMessage.Mark) next();
		this.server.send(mark);

		assertThat(wait).as("the first MARK the server sees is this wait's").succeedsWithin(Duration.ofSeconds(10));
	}

	@Test
	void blockingWaitsTakeATimeoutTooLongForNanosecondsAndWaitForTheServer() throws Exception {
		SyncDatabase database = this.manager.open(SyncConfiguration.builder(this.user, "p").build());
		SyncSession session = this.manager.sessionFor(database).orElseThrow();
		Duration forever = ChronoUnit.FOREVER.getDuration();
		SyncMessage.Bind bind = identify();
		database.collection("c").put("x", Map.of("v", 1));
		SyncMessage.Upload upload = (SyncMessage.Upload) next();

		CompletableFuture<Boolean> uploaded = CompletableFuture.supplyAsync(() -> session.uploadAllLocalChanges(forever));
		CompletableFuture<Boolean> downloaded = CompletableFuture
			.supplyAsync(() -> session.downloadAllServerChanges(forever));
		SyncMessage.Mark mark = (SyncMessage.Mark) next();
		long acknowledged = upload.changesets().get(upload.changesets().size() - 1).clientVersion();
		this.server.send(new SyncMessage.Download(bind.session(), 0, 0, acknowledged, 0, List.of(), List.of()));
		this.server.send(mark);

		assertThat(uploaded).succeedsWithin(LONG).isEqualTo(true);
		assertThat(downloaded).succeedsWithin(LONG).isEqualTo(true);
	}

	@Test
	void aBlockingDownloadWaitThatTimedOutAsksTheServerForNothingMore() throws Exception {
		SyncDatabase database = this.manager.open(SyncConfiguration.builder(this.user, "p").build());
		SyncSession session = this.manager.sessionFor(database).orElseThrow();
		identify();
		// long enough for the MARK to be sent first, on a slow machine too (the server never answers it)
		assertThat(session.downloadAllServerChanges(Duration.ofSeconds(2))).isFalse();
		SyncMessage.Mark unanswered = (SyncMessage.Mark) next();

		// bound again, the session sends the MARKs of the download waits still pending
		session.suspend();
		session.resume();
		SyncMessage bind = next();
		while (!(bind instanceof SyncMessage.Bind)) {
			bind = next();
		}
		assertThat(next()).isInstanceOf(SyncMessage.Ident.class);
		CompletableFuture<Void> wait = session.waitForDownloadCompletion();
		SyncMessage.Mark mark = (SyncMessage.Mark) next();

		assertThat(mark.requestId()).as("the first MARK after the ident is the new wait's")
			.isNotEqualTo(unanswered.requestId());
		this.server.send(mark);
		assertThat(wait).succeedsWithin(LONG);
	}

	@Test
	void aDownloadWaitOnAClosedDatabaseFailsAtOnceLikeAnUploadWait() {
		SyncDatabase database = this.manager.open(SyncConfiguration.builder(this.user, "p")
			.stopPolicy(StopPolicy.IMMEDIATELY)
			.build());
		SyncSession session = this.manager.sessionFor(database).orElseThrow();
		database.close();

		assertThat(session.waitForUploadCompletion()).failsWithin(Duration.ZERO)
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withMessageContaining("is closed");
		assertThat(session.waitForDownloadCompletion()).failsWithin(Duration.ZERO)
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withMessageContaining("is closed");
	}

	/** Accepts the client's connection and allocates it a client file; returns its bind. */
	private SyncMessage.Bind identify() throws Exception {
		this.server.upgrade(this.server.acceptHandshake());
		SyncMessage.Bind bind = (SyncMessage.Bind) next();
		this.server.send(new SyncMessage.Ident(bind.session(), 5, 55, 0, 0, 555));
		assertThat(next()).isInstanceOf(SyncMessage.Ident.class);
		return bind;
	}

	private SyncMessage next() throws Exception {
		return this.server.next();
	}

}
