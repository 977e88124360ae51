package io.syncboot.client.e2e;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.syncboot.client.LocalFiles;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.server.SyncServer;
import io.syncboot.test.proxy.FaultProxy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@code waitForUploadCompletion}, {@code waitForDownloadCompletion} and their blocking forms,
 * against a real server behind a {@link FaultProxy}.
 */
class WaitIntegrationTests extends SyncFixture {

	private SyncServer server;

	private FaultProxy proxy;

	private SyncManager manager;

	private SyncDatabase db;

	private SyncSession session;

	private void connect() {
		this.server = server();
		this.proxy = proxy(this.server);
		this.manager = manager(this.proxy, this.server, this.dirA, b -> b);
		this.db = this.manager.open(config(this.manager, "p").build());
		this.session = this.manager.sessionFor(this.db).orElseThrow();
		assertThat(this.session.downloadAllServerChanges(LONG)).isTrue();
	}

	@Test
	void waitsCompleteOnceTheServerAcknowledgedAndARoundTripBroughtEverything() {
		connect();
		SyncManager other = manager(this.server, this.dirB);
		SyncDatabase onB = other.open(config(other, "p").build());
		SyncSession sessionB = other.sessionFor(onB).orElseThrow();

		this.db.collection("c").put("x", Map.of("v", 1));
		CompletableFuture<Void> upload = this.session.waitForUploadCompletion();
		assertThat(upload).succeedsWithin(LONG);
		assertThat(this.db.pendingChanges()).isZero();
		assertThat(this.db.isDocumentPending("c", "x")).isFalse();

		CompletableFuture<Void> download = sessionB.waitForDownloadCompletion();
		assertThat(download).succeedsWithin(LONG);
		assertThat(onB.collection("c").get("x")).isPresent();
		assertThat(sessionB.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(sessionB.downloadAllServerChanges(LONG)).isTrue();
	}

	@Test
	void aDownloadWaitCompletesOnlyOnceTheDownloadsBeforeItsMarkAreApplied() {
		connect();
		SyncManager other = manager(this.server, this.dirB);
		SyncDatabase onB = other.open(config(other, "p").build());
		SyncSession sessionB = other.sessionFor(onB).orElseThrow();
		Connections connections = new Connections(this.session);
		// applying a download that writes a document fails on A now, as on a full disk
		LocalFiles.runSql(this.db.path(), "CREATE TRIGGER refuse_downloads BEFORE INSERT ON documents"
				+ " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
		onB.collection("c").put("x", Map.of("v", 1));
		assertThat(sessionB.uploadAllLocalChanges(LONG)).isTrue();

		CompletableFuture<Boolean> appliedWhenCompleted = this.session.waitForDownloadCompletion()
			.thenApply(done -> this.db.collection("c").get("x").isPresent());
		// each failed apply restarts the connection; the second one comes after the wait's MARK was sent
		await().atMost(LONG).until(() -> appliedWhenCompleted.isDone() || connections.lost() >= 2);
		LocalFiles.runSql(this.db.path(), "DROP TRIGGER refuse_downloads");

		assertThat(appliedWhenCompleted).succeedsWithin(LONG).isEqualTo(true);
		assertThat(this.db.collection("c").get("x")).isPresent();
	}

	@Test
	void blockingWaitsReturnFalseOnTimeoutAndTheTransferGoesOn() {
		connect();
		this.proxy.blackHole();
		this.db.collection("c").put("x", Map.of("v", 1));
		assertThat(this.db.pendingChanges()).isEqualTo(1);
		assertThat(this.db.isDocumentPending("c", "x")).isTrue();

		assertThat(this.session.uploadAllLocalChanges(Duration.ofMillis(300))).isFalse();
		assertThat(this.session.downloadAllServerChanges(Duration.ofMillis(300))).isFalse();

		this.proxy.heal();
		assertThat(this.session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(this.session.downloadAllServerChanges(LONG)).isTrue();
		assertThat(this.db.isDocumentPending("c", "x")).isFalse();
	}

	@Test
	void aWaitOnASuspendedSessionCompletesAfterResume() {
		connect();
		this.session.suspend();
		this.db.collection("c").put("x", Map.of("v", 1));
		CompletableFuture<Void> upload = this.session.waitForUploadCompletion();
		CompletableFuture<Void> download = this.session.waitForDownloadCompletion();
		await().during(Duration.ofMillis(500)).atMost(LONG).until(() -> !upload.isDone() && !download.isDone());

		this.session.resume();

		assertThat(upload).succeedsWithin(LONG);
		assertThat(download).succeedsWithin(LONG);
	}

	@Test
	void waitsFailWhenTheSessionBecomesInvalid() {
		connect();
		this.proxy.blackHole();
		this.db.collection("c").put("x", Map.of("v", 1));
		CompletableFuture<Void> upload = this.session.waitForUploadCompletion();
		CompletableFuture<Void> download = this.session.waitForDownloadCompletion();

		this.manager.allUsers().get(0).logOut();

		assertThat(upload).failsWithin(LONG).withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(IllegalStateException.class)
			.withMessageContaining("invalid");
		assertThat(download).failsWithin(LONG);
		assertThatIllegalStateException().isThrownBy(() -> this.session.uploadAllLocalChanges(LONG))
			.withMessageContaining("invalid");
		assertThatIllegalStateException().isThrownBy(() -> this.session.downloadAllServerChanges(LONG))
			.withMessageContaining("invalid");
		this.proxy.heal();
	}

	@Test
	void waitsFailWhenTheManagerCloses() {
		connect();
		this.proxy.blackHole();
		this.db.collection("c").put("x", Map.of("v", 1));
		CompletableFuture<Void> upload = this.session.waitForUploadCompletion();
		CompletableFuture<Void> download = this.session.waitForDownloadCompletion();

		this.manager.close();

		assertThat(upload).isCompletedExceptionally();
		assertThat(download).isCompletedExceptionally();
		assertThatIllegalStateException().isThrownBy(() -> this.session.uploadAllLocalChanges(LONG));
		assertThatIllegalStateException().isThrownBy(() -> this.session.downloadAllServerChanges(LONG));
		this.proxy.heal();
	}

}
