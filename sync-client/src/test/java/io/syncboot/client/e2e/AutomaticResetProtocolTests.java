package io.syncboot.client.e2e;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.syncboot.client.ClientResetMode;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncUser;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.SyncMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.syncboot.client.e2e.SyncTestSupport.LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An automatic client reset seen message by message, against a scripted server: what the
 * application's upload waits and connection listeners see while the file is reset and bound again.
 */
class AutomaticResetProtocolTests {

	private final List<SyncError> errors = new CopyOnWriteArrayList<>();

	@TempDir
	Path dir;

	private FakeSyncServer server;

	private SyncManager manager;

	private SyncDatabase database;

	private SyncSession session;

	@BeforeEach
	void start() throws Exception {
		this.server = new FakeSyncServer();
		this.manager = SyncManager.create(this.server.clientSettings(this.dir));
		SyncUser user = this.manager.logIn(SyncCredentials.anonymous());
		this.database = this.manager.open(SyncConfiguration.builder(user, "p")
			.clientResetMode(ClientResetMode.RECOVER_UNSYNCED_CHANGES)
			.errorHandler((session, error) -> this.errors.add(error))
			.build());
		this.session = this.manager.sessionFor(this.database).orElseThrow();
	}

	@AfterEach
	void stop() throws Exception {
		this.manager.close();
		this.server.close();
	}

	@Test
	void anUploadWaitForARecoveredChangeCompletesOnlyWhenTheServerAcknowledgedItsNewVersion() throws Exception {
		this.database.collection("c").put("x", Map.of("v", 1));
		SyncMessage.Bind bind = connectAndBind(5);
		SyncMessage.Upload upload = (SyncMessage.Upload) next();
		assertThat(upload.changesets()).singleElement().satisfies(c -> assertThat(c.clientVersion()).isEqualTo(1));
		CompletableFuture<Void> wait = this.session.waitForUploadCompletion();

		SyncMessage.Bind rebind = demandResetAndRebind(bind, 6);
		SyncMessage.Upload recovered = (SyncMessage.Upload) next();
		assertThat(recovered.changesets()).singleElement().satisfies(c -> assertThat(c.clientVersion()).isEqualTo(2));
		CompletableFuture<Void> downloaded = this.session.waitForDownloadCompletion();
		SyncMessage.Mark mark = (SyncMessage.Mark) next();
		// the bootstrap comes before the server integrated the recovered upload: it acknowledges nothing
		send(new SyncMessage.Download(rebind.session(), 1, 0, 0, 0, List.of(), List.of()));
		send(mark); // answered after that download, so the client applied it once this wait completes
		assertThat(downloaded).succeedsWithin(LONG);
		assertThat(this.database.pendingChanges()).isEqualTo(1);

		assertThat(wait).as("x, recovered as client version 2, is not acknowledged yet").isNotDone();
		send(new SyncMessage.Download(rebind.session(), 1, 0, 2, 0, List.of(), List.of()));
		assertThat(wait).succeedsWithin(LONG);
		assertThat(this.database.pendingChanges()).isZero();
	}

	@Test
	void theConnectionGoesThroughDisconnectedWhenTheResetFileBindsAgain() throws Exception {
		List<String> transitions = new CopyOnWriteArrayList<>();
		this.session.addConnectionStateListener((from, to, error) -> transitions.add(from + "->" + to));
		SyncMessage.Bind bind = connectAndBind(5);
		await().atMost(LONG).until(() -> transitions.contains("CONNECTING->CONNECTED"));

		demandResetAndRebind(bind, 6);

		await().atMost(LONG).until(() -> transitions.stream().filter("CONNECTING->CONNECTED"::equals).count() == 2);
		// the first DISCONNECTED->CONNECTING may come before the listener (the session connects when opened)
		List<String> sinceConnected = transitions.subList(transitions.indexOf("CONNECTING->CONNECTED"), transitions.size());
		assertThat(sinceConnected).containsExactly("CONNECTING->CONNECTED", "CONNECTED->DISCONNECTED",
				"DISCONNECTED->CONNECTING", "CONNECTING->CONNECTED");
	}

	@Test
	void aFileToldItHasVersionsItNeverCommittedResetsOnlyOnceItsOwnChangesAreAcknowledged() throws Exception {
		this.database.collection("c").put("x", Map.of("v", 1));
		SyncMessage.Bind bind = connectAndBind(5);
		SyncMessage.Upload upload = (SyncMessage.Upload) next();
		assertThat(upload.changesets()).singleElement().satisfies(c -> assertThat(c.clientVersion()).isEqualTo(1));
		// the first download after ident: the server integrated client versions up to 3 of this file, so
		// another copy of it wrote 2 and 3
		send(new SyncMessage.Download(bind.session(), 0, 0, 0, 0, List.of(), List.of(), 3));
		CompletableFuture<Void> downloaded = this.session.waitForDownloadCompletion();
		send(next()); // the mark, answered after that download: the client applied it once the wait completes
		assertThat(downloaded).succeedsWithin(LONG);
		assertThat(this.errors).as("not while its own client version 1 may be what the server has").isEmpty();
		assertThat(this.database.pendingChanges()).isEqualTo(1);

		// the server acknowledges it (it had it as sent): now the file resets, with nothing to commit again
		send(new SyncMessage.Download(bind.session(), 0, 0, 1, 0, List.of(), List.of()));
		await().atMost(LONG).until(() -> this.errors.size() == 1);
		assertThat(this.errors.get(0).code()).isEqualTo(ErrorCode.DIVERGING_HISTORIES.number());
		assertThat(this.database.pendingChanges()).isZero();
	}

	private SyncMessage.Bind connectAndBind(long clientFileId) throws Exception {
		this.server.upgrade(this.server.acceptHandshake());
		SyncMessage.Bind bind = (SyncMessage.Bind) next();
		send(new SyncMessage.Ident(bind.session(), clientFileId, clientFileId * 11, 0, 0, 555));
		assertThat(next()).isInstanceOf(SyncMessage.Ident.class);
		return bind;
	}

	/** The server forgot the client file; the client resets and binds again as a new file. */
	private SyncMessage.Bind demandResetAndRebind(SyncMessage.Bind bind, long newClientFileId) throws Exception {
		send(new SyncMessage.Error(bind.session(), ErrorCode.BAD_CLIENT_FILE_ID, "unknown client file"));
		await().atMost(LONG).until(() -> this.errors.size() == 1);
		SyncMessage message = next();
		if (message instanceof SyncMessage.Unbind) {
			message = next();
		}
		SyncMessage.Bind rebind = (SyncMessage.Bind) message;
		send(new SyncMessage.Ident(rebind.session(), newClientFileId, newClientFileId * 11, 0, 0, 555));
		assertThat(next()).isInstanceOf(SyncMessage.Ident.class);
		return rebind;
	}

	private void send(SyncMessage message) throws Exception {
		this.server.send(message);
	}

	private SyncMessage next() throws Exception {
		return this.server.next();
	}

}
