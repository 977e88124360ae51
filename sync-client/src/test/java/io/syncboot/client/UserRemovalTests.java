package io.syncboot.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link SyncUser#remove()}: the user's sessions end, its databases close, its files go, and it
 * reaches {@link SyncUserState#REMOVED}; other users are untouched.
 */
class UserRemovalTests {

	@TempDir
	Path base;

	private SyncManager manager;

	private SyncUser alice;

	private SyncUser bob;

	@BeforeEach
	void create() {
		this.manager = SyncManager.create(OfflineClients.settings(this.base));
		this.alice = this.manager.logIn(SyncCredentials.token(SyncApiTests.jwt("{\"sub\":\"alice\"}")));
		this.bob = this.manager.logIn(SyncCredentials.token(SyncApiTests.jwt("{\"sub\":\"bob\"}")));
	}

	@AfterEach
	void close() {
		this.manager.close();
	}

	private SyncDatabase open(SyncUser user, String partition, StopPolicy policy) {
		return this.manager.open(SyncConfiguration.builder(user, partition).stopPolicy(policy).build());
	}

	@Test
	void removingAUserEndsItsSessionsClosesItsDatabasesAndDeletesItsFiles() {
		SyncDatabase open = open(this.alice, "open", StopPolicy.AFTER_CHANGES_UPLOADED);
		SyncDatabase dying = open(this.alice, "dying", StopPolicy.AFTER_CHANGES_UPLOADED);
		SyncDatabase live = open(this.alice, "live", StopPolicy.LIVE_INDEFINITELY);
		SyncDatabase bobs = open(this.bob, "open", StopPolicy.AFTER_CHANGES_UPLOADED);
		for (SyncDatabase db : List.of(open, dying, live, bobs)) {
			db.collection("c").put("x", Map.of("v", 1));
		}
		SyncSession openSession = this.manager.sessionFor(open).orElseThrow();
		SyncSession dyingSession = this.manager.sessionFor(dying).orElseThrow();
		SyncSession liveSession = this.manager.sessionFor(live).orElseThrow();
		SyncSession bobsSession = this.manager.sessionFor(bobs).orElseThrow();
		List<SyncSessionState> states = new CopyOnWriteArrayList<>();
		openSession.addStateListener((from, to) -> states.add(to));
		CompletableFuture<Void> upload = openSession.waitForUploadCompletion();
		dying.close();
		live.close();
		assertThat(dyingSession.state()).isEqualTo(SyncSessionState.DYING);
		Path aliceDirectory = open.path().getParent();
		assertThat(aliceDirectory).isNotEqualTo(bobs.path().getParent());
		assertThat(Files.exists(dying.path())).isTrue();

		this.alice.remove();

		assertThat(this.alice.state()).isEqualTo(SyncUserState.REMOVED);
		for (SyncSession session : List.of(openSession, dyingSession, liveSession)) {
			assertThat(session.state()).isEqualTo(SyncSessionState.INVALID);
			assertThat(session.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
			assertThat(session.parentUser()).isEmpty();
		}
		// the wait fails once the session is invalid, on the thread that completes it
		await().until(upload::isDone);
		assertThat(upload).isCompletedExceptionally();
		await().until(() -> states.contains(SyncSessionState.INVALID));
		assertThat(open.isClosed()).isTrue();
		assertThatIllegalStateException().isThrownBy(() -> open.collection("c").get("x")).withMessageContaining("closed");
		assertThat(Files.exists(aliceDirectory)).isFalse();
		assertThat(this.manager.allUsers()).containsExactly(this.bob);
		assertThat(this.manager.allSessions()).containsExactly(bobsSession);

		assertThat(bobsSession.state()).isEqualTo(SyncSessionState.ACTIVE);
		assertThat(bobs.isClosed()).isFalse();
		assertThat(bobs.collection("c").get("x")).isPresent();
		assertThat(Files.exists(bobs.path())).isTrue();
	}

	@Test
	void aRemovedUserCannotOpenDatabasesAndLoggingInAgainStartsFromEmptyFiles() {
		SyncDatabase db = open(this.alice, "p", StopPolicy.IMMEDIATELY);
		db.collection("c").put("x", Map.of("v", 1));
		Path path = db.path();

		this.alice.remove();

		assertThatIllegalStateException()
			.isThrownBy(() -> open(this.alice, "p", StopPolicy.IMMEDIATELY))
			.withMessageContaining("alice")
			.withMessageContaining("REMOVED");
		assertThatIllegalStateException()
			.isThrownBy(() -> open(this.alice, "other", StopPolicy.IMMEDIATELY))
			.withMessageContaining("REMOVED");
		assertThat(Files.exists(path)).isFalse();

		SyncUser again = this.manager.logIn(SyncCredentials.token(SyncApiTests.jwt("{\"sub\":\"alice\"}")));
		assertThat(again).isNotSameAs(this.alice);
		assertThat(again.id()).isEqualTo("alice");
		assertThat(again.state()).isEqualTo(SyncUserState.LOGGED_IN);
		assertThat(this.alice.state()).isEqualTo(SyncUserState.REMOVED);
		SyncDatabase fresh = open(again, "p", StopPolicy.IMMEDIATELY);
		assertThat(fresh.path()).isEqualTo(path);
		assertThat(fresh.collection("c").count()).isZero();
		assertThat(fresh.pendingChanges()).isZero();
		assertThat(this.manager.sessionFor(fresh).orElseThrow().state()).isEqualTo(SyncSessionState.ACTIVE);
	}

	@Test
	void aDatabaseOpenedForTheSameIdWhileTheFilesAreDeletedIsRefusedNeverDeletedUnderIt() throws Exception {
		// many files, so that closing and deleting them takes a while
		for (int i = 0; i < 100; i++) {
			open(this.alice, "p" + i, StopPolicy.IMMEDIATELY).collection("c").put("x", Map.of("v", i));
		}
		CompletableFuture<Void> removal = CompletableFuture.runAsync(this.alice::remove);
		while (this.alice.state() != SyncUserState.REMOVED) {
			Thread.onSpinWait(); // not await(): its polling interval would let the removal finish first
		}
		SyncDatabase reopened = null;
		List<String> refusals = new CopyOnWriteArrayList<>();
		while (reopened == null) {
			SyncUser again = this.manager.logIn(SyncCredentials.token(SyncApiTests.jwt("{\"sub\":\"alice\"}")));
			try {
				reopened = open(again, "p0", StopPolicy.IMMEDIATELY);
			}
			catch (IllegalStateException ex) {
				refusals.add(ex.getMessage());
			}
		}
		removal.get();

		assertThat(refusals).allSatisfy(message -> assertThat(message).contains("being deleted"));
		assertThat(reopened.collection("c").count()).as("the removed user's documents are gone").isZero();
		reopened.collection("c").put("new", Map.of("v", 1));
		Path path = reopened.path();
		assertThat(Files.exists(path)).as("the new file survives the removal").isTrue();
		reopened.close();
		SyncUser later = this.manager.logIn(SyncCredentials.token(SyncApiTests.jwt("{\"sub\":\"alice\"}")));
		assertThat(open(later, "p0", StopPolicy.IMMEDIATELY).collection("c").get("new")).isPresent();
	}

	@Test
	void aLoggedOutUserCanBeRemovedAndRemovingTwiceDoesNothing() {
		SyncDatabase db = open(this.alice, "p", StopPolicy.AFTER_CHANGES_UPLOADED);
		db.collection("c").put("x", Map.of("v", 1));
		this.alice.logOut();
		assertThat(db.isClosed()).isFalse();

		this.alice.remove();

		assertThat(this.alice.state()).isEqualTo(SyncUserState.REMOVED);
		assertThat(db.isClosed()).isTrue();
		assertThat(Files.exists(db.path())).isFalse();
		this.alice.remove();
		this.alice.logOut();
		assertThat(this.alice.state()).isEqualTo(SyncUserState.REMOVED);
	}

	@Test
	void removingNeedsAnOpenManager() {
		this.manager.close();
		assertThatIllegalStateException().isThrownBy(() -> this.alice.remove())
			.withMessage("the sync manager is closed");
	}

}
