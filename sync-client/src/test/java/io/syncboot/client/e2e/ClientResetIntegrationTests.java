package io.syncboot.client.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.syncboot.client.ClientResetMode;
import io.syncboot.client.ConnectionState;
import io.syncboot.client.DatabaseChange;
import io.syncboot.client.DatabaseSnapshot;
import io.syncboot.client.ErrorAction;
import io.syncboot.client.LocalFiles;
import io.syncboot.client.ProgressDirection;
import io.syncboot.client.ProgressMode;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import io.syncboot.client.internal.store.SqliteStore;
import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.server.SyncServer;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Client resets produced for real: the server's data directory wiped (208) or restored from an
 * older copy (209/211), or its history compacted past a client's cursor (222), handled in each
 * {@link ClientResetMode}.
 */
class ClientResetIntegrationTests {

	static final java.time.Duration LONG = SyncTestSupport.LONG;

	@TempDir
	Path serverDir;

	@TempDir
	Path copyDir;

	@TempDir
	Path dirA;

	@TempDir
	Path dirB;

	@TempDir
	Path dirC;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private SyncServer server;

	private int port;

	private final List<SyncError> errors = new CopyOnWriteArrayList<>();

	private final List<DatabaseSnapshot[]> before = new CopyOnWriteArrayList<>();

	private final List<DatabaseSnapshot[]> after = new CopyOnWriteArrayList<>();

	@AfterEach
	void closeAll() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	private <T extends AutoCloseable> T track(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	/** Waits for the session's first error and returns it; it must be the only one. */
	private SyncError awaitTheOneError() {
		await().atMost(LONG).until(() -> this.errors.size() == 1);
		return this.errors.get(0);
	}

	/** A reset a wiped server asked for (208 or 211), left to the application: fatal, with its token. */
	private static void assertManualResetOfAWipedServer(SyncError error) {
		assertThat(error.code()).isIn(208, 211);
		assertThat(error.action()).isEqualTo(ErrorAction.CLIENT_RESET);
		assertThat(error.isFatal()).isTrue();
		assertThat(error.actionToken()).isPresent();
	}

	private void startServer() {
		this.server = SyncTestSupport.startServer(this.serverDir, this.port);
		this.port = this.server.port();
	}

	/** A server that keeps one second of history and compacts every 100 ms. */
	private void startCompactingServer() {
		this.server = SyncServer.builder()
			.port(0)
			.dataDirectory(this.serverDir)
			.allowAnonymous()
			.historyRetention(Duration.ofSeconds(1))
			.compactionInterval(Duration.ofMillis(100))
			.build()
			.start();
		this.port = this.server.port();
	}

	private void stopServer() {
		this.server.close();
		this.server = null;
	}

	private SyncManager manager(Path dir) {
		return track(untrackedManager(dir));
	}

	private SyncManager untrackedManager(Path dir) {
		if (this.server == null && this.port == 0) {
			startServer();
		}
		return SyncManager.create(SyncTestSupport.settings(java.net.URI.create("ws://localhost:" + this.port + "/sync"), dir));
	}

	private SyncConfiguration config(SyncManager manager, ClientResetMode mode) {
		return SyncConfiguration.builder(manager.logIn(SyncCredentials.anonymous()), "tasks-list")
			.clientResetMode(mode)
			.errorHandler((session, error) -> this.errors.add(error))
			.beforeClientReset((session, b, a) -> this.before.add(new DatabaseSnapshot[] { b, a }))
			.afterClientReset((session, b, a) -> this.after.add(new DatabaseSnapshot[] { b, a }))
			.build();
	}

	/**
	 * Syncs "synced", stops the server, writes "unsynced" offline, wipes the server's data directory
	 * and starts a new server on the same port.
	 */
	private SyncDatabase syncThenWipe(SyncManager manager, ClientResetMode mode) {
		return syncThenReplace(manager, mode, null);
	}

	/** As {@link #syncThenWipe}, but the data directory is replaced by a copy of {@code restore} if given. */
	private SyncDatabase syncThenReplace(SyncManager manager, ClientResetMode mode, Path restore) {
		return syncThenReplace(manager, mode, restore, db -> {
		});
	}

	/** As {@link #syncThenReplace}, running {@code offline} once "unsynced" is written and before the server restarts. */
	private SyncDatabase syncThenReplace(SyncManager manager, ClientResetMode mode, Path restore,
			Consumer<SyncDatabase> offline) {
		if (this.server == null) {
			startServer();
		}
		SyncDatabase db = manager.open(config(manager, mode));
		SyncSession session = manager.sessionFor(db).orElseThrow();
		db.collection("tasks").put("synced", Map.of("title", "on the old server"));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		stopServer();
		db.collection("tasks").put("unsynced", Map.of("title", "written offline"));
		offline.accept(db);
		deleteContents(this.serverDir);
		if (restore != null) {
			copyContents(restore, this.serverDir);
		}
		startServer();
		manager.reconnect();
		return db;
	}

	private Map<String, Map<String, Object>> serverContents() {
		try (SyncManager reader = manager(this.dirB)) {
			SyncDatabase copy = reader
				.open(SyncConfiguration.builder(reader.logIn(SyncCredentials.anonymous()), "tasks-list").build());
			assertThat(reader.sessionFor(copy).orElseThrow().downloadAllServerChanges(LONG)).isTrue();
			return SyncTestSupport.contents(copy.collection("tasks"));
		}
	}

	private static Map<String, Object> fieldsInFile(Path file, String id) {
		try (SqliteStore store = SqliteStore.open(file, new MessageCodec(), System::currentTimeMillis, 1 << 20)) {
			return store.get(new DocumentKey("tasks", id)).orElse(null);
		}
	}

	@Test
	void aWipedServerResetsWithDiscardBackingUpTheFileAndLosingTheUnsyncedChange() {
		SyncManager manager = manager(this.dirA);
		SyncDatabase db = syncThenWipe(manager, ClientResetMode.DISCARD_UNSYNCED_CHANGES);
		SyncSession session = manager.sessionFor(db).orElseThrow();

		await().atMost(LONG).until(() -> this.after.size() == 1);
		assertThat(this.errors).singleElement().satisfies(error -> {
			// a wiped directory has a new server salt, which the server checks first: 211 (208 if it checked the file id first)
			assertThat(error.code()).isIn(208, 211);
			assertThat(error.action()).isEqualTo(ErrorAction.CLIENT_RESET);
			assertThat(error.isFatal()).isFalse();
			assertThat(error.actionToken()).isEmpty();
			assertThat(error.backupPath()).hasValueSatisfying(path -> assertThat(path).exists());
		});
		Path backup = this.errors.get(0).backupPath().orElseThrow();
		assertThat(backup.getParent().getFileName().toString()).isEqualTo("recovery");
		assertThat(fieldsInFile(backup, "unsynced")).containsEntry("title", "written offline");
		assertThat(fieldsInFile(backup, "synced")).containsEntry("title", "on the old server");
		assertThat(this.before).singleElement().satisfies(pair -> {
			assertThat(pair[0].all("tasks")).extracting(d -> d.id()).containsExactly("synced", "unsynced");
			assertThat(pair[0].pendingChanges()).isEqualTo(1);
		});
		DatabaseSnapshot[] afterPair = this.after.get(0);
		assertThat(afterPair[0].all("tasks")).hasSize(2);
		assertThat(afterPair[1].size()).isZero();
		assertThat(SyncTestSupport.contents(db.collection("tasks"))).isEmpty();
		assertThat(db.pendingChanges()).isZero();
		assertThat(session.state()).isEqualTo(SyncSessionState.ACTIVE);

		db.collection("tasks").put("fresh", Map.of("title", "after the reset"));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(serverContents()).containsOnlyKeys("fresh");
	}

	@Test
	void aWipedServerResetsWithRecoverKeepingTheUnsyncedChange() {
		SyncManager manager = manager(this.dirA);
		SyncDatabase db = syncThenWipe(manager, ClientResetMode.RECOVER_UNSYNCED_CHANGES);
		SyncSession session = manager.sessionFor(db).orElseThrow();

		await().atMost(LONG).until(() -> this.after.size() == 1);
		assertThat(this.errors).singleElement().satisfies(error -> {
			assertThat(error.code()).isIn(208, 211);
			assertThat(error.action()).isEqualTo(ErrorAction.CLIENT_RESET);
			assertThat(error.backupPath()).hasValueSatisfying(path -> assertThat(path).exists());
		});
		assertThat(this.before).hasSize(1);
		assertThat(this.after.get(0)[1].all("tasks")).extracting(d -> d.id()).containsExactly("unsynced");
		assertThat(SyncTestSupport.contents(db.collection("tasks"))).containsOnlyKeys("unsynced");
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(serverContents()).containsOnlyKeys("unsynced");
		assertThat(serverContents().get("unsynced")).containsEntry("title", "written offline");
	}

	@Test
	void aDiscardResetFailsTheUploadWaitOfTheDiscardedWriteAndTheServerNeverGetsIt() {
		SyncManager manager = manager(this.dirA);
		List<CompletableFuture<Void>> waits = new ArrayList<>();
		SyncDatabase db = syncThenReplace(manager, ClientResetMode.DISCARD_UNSYNCED_CHANGES, null,
				offline -> waits.add(manager.sessionFor(offline).orElseThrow().waitForUploadCompletion()));
		SyncSession session = manager.sessionFor(db).orElseThrow();

		await().atMost(LONG).until(() -> this.after.size() == 1);
		assertDiscardedWriteNeverUploaded(waits.get(0), session);
	}

	@Test
	void aRecoveryThatFallsBackToDiscardFailsTheUploadWaitOfTheDiscardedWrite() {
		SyncManager manager = manager(this.dirA);
		List<CompletableFuture<Void>> waits = new ArrayList<>();
		SyncDatabase db = syncThenReplace(manager, ClientResetMode.RECOVER_OR_DISCARD, null, offline -> {
			waits.add(manager.sessionFor(offline).orElseThrow().waitForUploadCompletion());
			// recovering commits the unsynced changesets again, into the outbox: refused, so the reset discards
			LocalFiles.runSql(offline.path(), "CREATE TRIGGER refuse_recovery BEFORE INSERT ON outbox"
					+ " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
		});
		SyncSession session = manager.sessionFor(db).orElseThrow();

		await().atMost(LONG).until(() -> this.after.size() == 1);
		LocalFiles.runSql(db.path(), "DROP TRIGGER refuse_recovery");
		assertThat(this.errors).singleElement().satisfies(error -> assertThat(error.message()).contains("discarded"));
		assertDiscardedWriteNeverUploaded(waits.get(0), session);
	}

	/**
	 * The upload wait made for "unsynced" before a reset that discarded it failed, naming the reset,
	 * and the (wiped) server never got "unsynced"; an upload wait made after the reset completes.
	 */
	private void assertDiscardedWriteNeverUploaded(CompletableFuture<Void> wait, SyncSession session) {
		assertThat(wait).failsWithin(LONG)
			.withThrowableThat()
			.havingRootCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessageContaining("client reset")
			.withMessageContaining("discarded");
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		// the wiped server lost "synced" too
		assertThat(serverContents()).isEmpty();
	}

	@Test
	void theDefaultModeRecoversFromAServerRestoredFromAnOlderCopy() throws Exception {
		SyncManager manager = manager(this.dirA);
		SyncConfiguration configuration = config(manager, ClientResetMode.RECOVER_OR_DISCARD);
		assertThat(SyncConfiguration.builder(configuration.user(), "x").build().clientResetMode())
			.isEqualTo(ClientResetMode.RECOVER_OR_DISCARD);
		SyncDatabase db = manager.open(configuration);
		SyncSession session = manager.sessionFor(db).orElseThrow();
		db.collection("tasks").put("old", Map.of("title", "in the copy"));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		stopServer();
		copyContents(this.serverDir, this.copyDir);
		startServer();
		db.collection("tasks").put("lost", Map.of("title", "synced after the copy"));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		stopServer();
		db.collection("tasks").put("unsynced", Map.of("title", "written offline"));
		deleteContents(this.serverDir);
		copyContents(this.copyDir, this.serverDir);
		startServer();
		manager.reconnect();

		await().atMost(LONG).until(() -> this.after.size() == 1);
		assertThat(this.errors).singleElement().satisfies(error -> {
			assertThat(error.code()).isIn(209, 211);
			assertThat(error.action()).isEqualTo(ErrorAction.CLIENT_RESET);
			assertThat(error.backupPath()).hasValueSatisfying(path -> assertThat(path).exists());
		});
		assertThat(fieldsInFile(this.errors.get(0).backupPath().get(), "lost")).isNotNull();
		assertThat(SyncTestSupport.contents(db.collection("tasks"))).containsOnlyKeys("old", "unsynced");
		assertThat(this.after.get(0)[1].all("tasks")).extracting(d -> d.id()).containsExactly("old", "unsynced");
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(serverContents()).containsOnlyKeys("old", "unsynced");
	}

	@Test
	void aManualResetLeavesTheSessionInactiveWithItsDatabaseOpenUntilItsTokenRuns() {
		SyncManager manager = manager(this.dirA);
		List<SyncSessionState> states = new CopyOnWriteArrayList<>();
		List<CompletableFuture<Void>> waits = new ArrayList<>();
		SyncDatabase db = syncThenReplace(manager, ClientResetMode.MANUAL, null, offline -> {
			SyncSession session = manager.sessionFor(offline).orElseThrow();
			session.addStateListener((from, to) -> states.add(to));
			waits.add(session.waitForUploadCompletion());
			waits.add(session.waitForDownloadCompletion());
		});
		SyncSession session = manager.sessionFor(db).orElseThrow();

		SyncError error = awaitTheOneError();
		assertManualResetOfAWipedServer(error);
		assertThat(error.message()).contains("inactive until the action token runs");
		assertThat(error.backupPath()).hasValueSatisfying(path -> assertThat(path).doesNotExist());
		assertThat(session.state()).isEqualTo(SyncSessionState.INACTIVE);
		assertThat(session.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
		await().atMost(LONG).until(() -> states.contains(SyncSessionState.INACTIVE));
		assertThat(states).doesNotContain(SyncSessionState.INVALID);
		assertThat(session.configuration()).isPresent();
		assertThat(manager.allSessions()).containsExactly(session);
		assertThat(this.before).isEmpty();
		// the waits pending at the reset cannot complete on this file
		for (CompletableFuture<Void> wait : waits) {
			assertThat(wait).failsWithin(LONG).withThrowableThat().havingRootCause().withMessageContaining("client reset");
		}
		// reads and local writes go on; the writes stay local (they end up in the backup)
		assertThat(SyncTestSupport.contents(db.collection("tasks"))).containsOnlyKeys("synced", "unsynced");
		db.collection("tasks").put("after", Map.of("title", "written after the reset error"));
		assertThat(db.pendingChanges()).isEqualTo(2);
		assertThat(session.waitForUploadCompletion()).failsWithin(LONG);
		assertThat(session.addProgressNotification(ProgressDirection.UPLOAD, ProgressMode.REPORT_INDEFINITELY,
				progress -> {
				}))
			.isPresent();
		// resuming would only meet the same reset: it does nothing while the token waits
		session.resume();
		session.reconnect();
		assertThat(session.state()).isEqualTo(SyncSessionState.INACTIVE);
		assertThat(session.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
		assertThat(this.errors).hasSize(1);
	}

	@Test
	void aManualResetTokenRunWithTheDatabaseOpenBacksItUpAndTheSameHandleSyncsAfresh() {
		SyncManager manager = manager(this.dirA);
		SyncDatabase db = syncThenWipe(manager, ClientResetMode.MANUAL);
		SyncSession session = manager.sessionFor(db).orElseThrow();
		Path file = db.path();
		List<DatabaseChange> remoteChanges = new CopyOnWriteArrayList<>();
		db.addChangeListener(change -> {
			if (change.remote()) {
				remoteChanges.add(change);
			}
		});
		SyncError error = awaitTheOneError();
		Path backup = error.backupPath().orElseThrow();
		assertThat(session.state()).isEqualTo(SyncSessionState.INACTIVE);
		db.collection("tasks").put("after", Map.of("title", "written after the reset error"));
		assertThat(pendingActions(this.dirA)).anyMatch(line -> line.contains(file.toString()));
		// meanwhile another client writes to the new server
		SyncManager writer = manager(this.dirC);
		SyncDatabase other = writer.open(SyncConfiguration.builder(writer.logIn(SyncCredentials.anonymous()), "tasks-list").build());
		other.collection("tasks").put("server", Map.of("title", "on the new server"));
		assertThat(writer.sessionFor(other).orElseThrow().uploadAllLocalChanges(LONG)).isTrue();

		manager.immediatelyHandleError(error.actionToken().get());

		// a consistent copy holds everything the file had, the unsynced changes included
		assertThat(backup).exists();
		assertThat(fieldsInFile(backup, "synced")).containsEntry("title", "on the old server");
		assertThat(fieldsInFile(backup, "unsynced")).containsEntry("title", "written offline");
		assertThat(fieldsInFile(backup, "after")).containsEntry("title", "written after the reset error");
		assertThat(pendingActions(this.dirA)).noneMatch(line -> line.contains(file.toString()));
		// the same handle and session go on, from the server's state
		assertThat(db.isClosed()).isFalse();
		assertThat(file).exists();
		assertThat(manager.sessionFor(db)).containsSame(session);
		assertThat(db.pendingChanges()).isZero();
		await().atMost(LONG).until(() -> session.state() == SyncSessionState.ACTIVE);
		assertThat(session.downloadAllServerChanges(LONG)).isTrue();
		assertThat(SyncTestSupport.contents(db.collection("tasks"))).containsOnlyKeys("server");
		assertThat(remoteChanges).isNotEmpty();
		db.collection("tasks").put("fresh", Map.of("title", "after the reset"));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(serverContents()).containsOnlyKeys("server", "fresh");
		// running the token again does nothing
		manager.immediatelyHandleError(error.actionToken().get());
		assertThat(SyncTestSupport.contents(db.collection("tasks"))).containsOnlyKeys("server", "fresh");
		assertThat(this.errors).hasSize(1);
		assertThat(this.before).isEmpty();
		assertThat(this.after).isEmpty();

		// the action is done: the next start leaves the fresh file where it is
		manager.close();
		SyncManager next = manager(this.dirA);
		assertThat(file).exists();
		SyncDatabase reopened = next.open(config(next, ClientResetMode.MANUAL));
		assertThat(SyncTestSupport.contents(reopened.collection("tasks"))).containsOnlyKeys("server", "fresh");
		assertThat(next.sessionFor(reopened).orElseThrow().downloadAllServerChanges(LONG)).isTrue();
		assertThat(this.errors).hasSize(1);
	}

	@Test
	void aManualResetHandledOnceTheDatabaseIsClosedMovesTheFileAndReopeningDownloadsAfresh() {
		SyncManager manager = manager(this.dirA);
		SyncDatabase db = syncThenWipe(manager, ClientResetMode.MANUAL);
		SyncSession session = manager.sessionFor(db).orElseThrow();
		Path file = db.path();

		SyncError error = awaitTheOneError();
		assertManualResetOfAWipedServer(error);
		Path backup = error.backupPath().orElseThrow();
		assertThat(backup).doesNotExist();
		assertThat(session.state()).isEqualTo(SyncSessionState.INACTIVE);
		assertThat(this.before).isEmpty();
		db.close();

		manager.immediatelyHandleError(error.actionToken().get());

		assertThat(file).doesNotExist();
		assertThat(session.state()).isEqualTo(SyncSessionState.INVALID);
		assertThat(fieldsInFile(backup, "unsynced")).containsEntry("title", "written offline");
		SyncDatabase reopened = manager.open(config(manager, ClientResetMode.MANUAL));
		SyncSession fresh = manager.sessionFor(reopened).orElseThrow();
		assertThat(fresh).isNotSameAs(session);
		assertThat(fresh.downloadAllServerChanges(LONG)).isTrue();
		assertThat(SyncTestSupport.contents(reopened.collection("tasks"))).isEmpty();
		reopened.collection("tasks").put("fresh", Map.of("title", "after the reset"));
		assertThat(fresh.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(serverContents()).containsOnlyKeys("fresh");
		assertThat(this.errors).hasSize(1);
	}

	@Test
	void aDatabaseReopenedBeforeTheTokenRunsStaysInactiveAndTheTokenThenResetsItInPlace() {
		SyncManager manager = manager(this.dirA);
		SyncDatabase db = syncThenWipe(manager, ClientResetMode.MANUAL);
		SyncSession session = manager.sessionFor(db).orElseThrow();
		SyncError error = awaitTheOneError();
		db.close();

		SyncDatabase reopened = manager.open(config(manager, ClientResetMode.MANUAL));

		assertThat(manager.sessionFor(reopened)).containsSame(session);
		assertThat(session.state()).isEqualTo(SyncSessionState.INACTIVE);
		assertThat(SyncTestSupport.contents(reopened.collection("tasks"))).containsOnlyKeys("synced", "unsynced");
		manager.immediatelyHandleError(error.actionToken().get());
		assertThat(fieldsInFile(error.backupPath().orElseThrow(), "unsynced")).containsEntry("title", "written offline");
		await().atMost(LONG).until(() -> session.state() == SyncSessionState.ACTIVE);
		assertThat(session.downloadAllServerChanges(LONG)).isTrue();
		assertThat(SyncTestSupport.contents(reopened.collection("tasks"))).isEmpty();
		assertThat(this.errors).hasSize(1);
	}

	@Test
	void removingAUserDropsItsPendingResetSoALaterFileOfTheSameNameStays() {
		SyncManager manager = untrackedManager(this.dirA);
		Path file;
		try {
			SyncDatabase db = syncThenWipe(manager, ClientResetMode.MANUAL);
			file = db.path();
			awaitTheOneError();
			assertThat(pendingActions(this.dirA)).anyMatch(line -> line.contains(file.toString()));
			db.configuration().user().remove();
			assertThat(file).doesNotExist();
			assertThat(pendingActions(this.dirA)).noneMatch(line -> line.contains(file.toString()));
			// logged in again: a new file of the same name
			SyncDatabase again = manager.open(config(manager, ClientResetMode.MANUAL));
			assertThat(again.path()).isEqualTo(file);
			again.collection("tasks").put("new", Map.of("title", "after the removal"));
			assertThat(manager.sessionFor(again).orElseThrow().uploadAllLocalChanges(LONG)).isTrue();
		}
		finally {
			manager.close();
		}

		SyncManager next = manager(this.dirA);

		assertThat(file).exists();
		SyncDatabase reopened = next.open(config(next, ClientResetMode.MANUAL));
		assertThat(SyncTestSupport.contents(reopened.collection("tasks"))).containsOnlyKeys("new");
		assertThat(this.errors).hasSize(1);
	}

	@Test
	void aTokenWhoseResetFailedAfterItsBackupLeavesNoBackupAndCanRunAgain() {
		SyncManager manager = manager(this.dirA);
		SyncDatabase db = syncThenWipe(manager, ClientResetMode.MANUAL);
		SyncSession session = manager.sessionFor(db).orElseThrow();
		SyncError error = awaitTheOneError();
		Path backup = error.backupPath().orElseThrow();
		refuseResets(db.path(), true);

		assertThatThrownBy(() -> manager.immediatelyHandleError(error.actionToken().get()))
			.isInstanceOf(UncheckedIOException.class)
			.hasMessageContaining("injected failure");

		// the file was not reset, so the backup written before the failure is gone again
		assertThat(backup).doesNotExist();
		assertThat(session.state()).isEqualTo(SyncSessionState.INACTIVE);
		assertThat(SyncTestSupport.contents(db.collection("tasks"))).containsOnlyKeys("synced", "unsynced");
		refuseResets(db.path(), false);

		manager.immediatelyHandleError(error.actionToken().get());

		assertThat(fieldsInFile(backup, "unsynced")).containsEntry("title", "written offline");
		assertThat(db.pendingChanges()).isZero();
		await().atMost(LONG).until(() -> session.state() == SyncSessionState.ACTIVE);
		assertThat(session.downloadAllServerChanges(LONG)).isTrue();
		assertThat(SyncTestSupport.contents(db.collection("tasks"))).isEmpty();
		assertThat(pendingActions(this.dirA)).isEmpty();
	}

	@Test
	void anAutomaticResetThatFailsFallsBackToAManualResetWhoseTokenMovesTheClosedFile() {
		SyncManager manager = manager(this.dirA);
		SyncDatabase db = syncThenReplace(manager, ClientResetMode.RECOVER_OR_DISCARD, null,
				offline -> refuseResets(offline.path(), true));
		Path file = db.path();
		SyncError fallback = awaitTheOneError();
		assertThat(fallback.isFatal()).isTrue();
		assertThat(fallback.actionToken()).isPresent();
		assertThat(fallback.message()).contains("injected failure");
		Path backup = fallback.backupPath().orElseThrow();
		// the failed attempt's backup is deleted; the fallback's path is free
		assertThat(backup).doesNotExist();
		assertThat(backup.getParent()).isEmptyDirectory();
		db.close();
		refuseResets(file, false);

		manager.immediatelyHandleError(fallback.actionToken().get());

		assertThat(file).doesNotExist();
		assertThat(fieldsInFile(backup, "unsynced")).containsEntry("title", "written offline");
		assertThat(pendingActions(this.dirA)).isEmpty();
		SyncDatabase reopened = manager.open(config(manager, ClientResetMode.RECOVER_OR_DISCARD));
		assertThat(manager.sessionFor(reopened).orElseThrow().downloadAllServerChanges(LONG)).isTrue();
		assertThat(SyncTestSupport.contents(reopened.collection("tasks"))).isEmpty();
		assertThat(this.errors).hasSize(1);
	}

	/**
	 * Makes every reset of a client file fail (a trigger that refuses to delete documents), or no
	 * longer, on a connection of the test's own.
	 */
	private static void refuseResets(Path file, boolean refuse) {
		LocalFiles.runSql(file, refuse
				? "CREATE TRIGGER refuse_reset BEFORE DELETE ON documents BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
				: "DROP TRIGGER refuse_reset");
	}

	/**
	 * A manual reset, then the user logged out and in again and the file opened again: a new
	 * session, which meets the reset again.
	 * @param file the database file
	 * @param first the first reset's error (its token is stale once the second is reported)
	 * @param reopened the database opened again
	 * @param session its session
	 * @param second the second reset's error
	 */
	private record ResetMetAgain(Path file, SyncError first, SyncDatabase reopened, SyncSession session,
			SyncError second) {
	}

	private ResetMetAgain resetMetAgain(SyncManager manager) {
		SyncDatabase db = syncThenWipe(manager, ClientResetMode.MANUAL);
		SyncError first = awaitTheOneError();
		db.close();
		db.configuration().user().logOut();
		SyncDatabase reopened = manager.open(config(manager, ClientResetMode.MANUAL));
		assertThat(reopened.path()).isEqualTo(db.path());
		SyncSession session = manager.sessionFor(reopened).orElseThrow();
		await().atMost(LONG).until(() -> this.errors.size() == 2);
		return new ResetMetAgain(db.path(), first, reopened, session, this.errors.get(1));
	}

	@Test
	void aTokenOfAnEarlierResetLeavesTheFileAndTheResetPendingNowAlone() {
		SyncManager manager = manager(this.dirA);
		ResetMetAgain met = resetMetAgain(manager);
		Path file = met.file();
		SyncError first = met.first();
		SyncDatabase reopened = met.reopened();
		SyncSession session = met.session();
		SyncError second = met.second();
		assertThat(second.actionToken()).isPresent().isNotEqualTo(first.actionToken());
		Path secondBackup = second.backupPath().orElseThrow();
		assertThat(secondBackup).isNotEqualTo(first.backupPath().orElseThrow());
		assertThat(session.state()).isEqualTo(SyncSessionState.INACTIVE);

		manager.immediatelyHandleError(first.actionToken().get());

		// the stale token is forgotten; the file and the pending reset are untouched
		assertThat(first.backupPath().orElseThrow()).doesNotExist();
		assertThat(session.state()).isEqualTo(SyncSessionState.INACTIVE);
		assertThat(SyncTestSupport.contents(reopened.collection("tasks"))).containsOnlyKeys("synced", "unsynced");
		assertThat(pendingActions(this.dirA)).singleElement().satisfies(line -> assertThat(line).contains(secondBackup.toString()));

		manager.immediatelyHandleError(second.actionToken().get());

		assertThat(fieldsInFile(secondBackup, "unsynced")).containsEntry("title", "written offline");
		await().atMost(LONG).until(() -> session.state() == SyncSessionState.ACTIVE);
		assertThat(session.downloadAllServerChanges(LONG)).isTrue();
		assertThat(pendingActions(this.dirA)).isEmpty();
		reopened.collection("tasks").put("fresh", Map.of("title", "after the reset"));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();

		// the next start leaves the re-synced file where it is
		manager.close();
		SyncManager next = manager(this.dirA);
		assertThat(file).exists();
		SyncDatabase again = next.open(config(next, ClientResetMode.MANUAL));
		assertThat(SyncTestSupport.contents(again.collection("tasks"))).containsOnlyKeys("fresh");
	}

	@Test
	void aStaleTokenRunWhileTheDatabaseIsClosedLeavesTheFileAlone() {
		SyncManager manager = manager(this.dirA);
		ResetMetAgain met = resetMetAgain(manager);
		Path file = met.file();
		SyncError first = met.first();
		SyncDatabase reopened = met.reopened();
		SyncSession session = met.session();
		manager.immediatelyHandleError(met.second().actionToken().get());
		await().atMost(LONG).until(() -> session.state() == SyncSessionState.ACTIVE);
		reopened.collection("tasks").put("fresh", Map.of("title", "after the reset"));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		reopened.collection("tasks").put("local", Map.of("title", "not uploaded yet"));
		session.suspend();
		reopened.close();

		// the first reset's token, run now: the file was reset by the second one and holds a write
		// not uploaded yet; it must stay where it is
		manager.immediatelyHandleError(first.actionToken().get());

		assertThat(file).exists();
		assertThat(first.backupPath().orElseThrow()).doesNotExist();
		assertThat(pendingActions(this.dirA)).isEmpty();
		SyncDatabase again = manager.open(config(manager, ClientResetMode.MANUAL));
		assertThat(SyncTestSupport.contents(again.collection("tasks"))).containsOnlyKeys("fresh", "local");
	}

	/** The lines of a base directory's pending-action list. */
	private static List<String> pendingActions(Path baseDirectory) {
		Path list = baseDirectory.resolve("syncboot.pending-actions");
		try {
			return Files.exists(list) ? Files.readAllLines(list) : List.of();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Test
	void aManualResetNeverHandledRunsAtTheNextStartBeforeTheFileIsOpened() {
		SyncManager manager = untrackedManager(this.dirA);
		Path file;
		Path backup;
		try {
			SyncDatabase db = syncThenWipe(manager, ClientResetMode.MANUAL);
			file = db.path();
			SyncError error = awaitTheOneError();
			backup = error.backupPath().orElseThrow();
			assertThat(error.actionToken()).isPresent();
		}
		finally {
			manager.close();
		}
		assertThat(file).exists();
		assertThat(backup).doesNotExist();

		SyncManager next = manager(this.dirA);

		assertThat(backup).exists();
		assertThat(file).doesNotExist();
		assertThat(fieldsInFile(backup, "unsynced")).containsEntry("title", "written offline");
		SyncDatabase reopened = next.open(config(next, ClientResetMode.MANUAL));
		SyncSession session = next.sessionFor(reopened).orElseThrow();
		assertThat(session.downloadAllServerChanges(LONG)).isTrue();
		assertThat(SyncTestSupport.contents(reopened.collection("tasks"))).isEmpty();
		reopened.collection("tasks").put("fresh", Map.of("title", "after the reset"));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(serverContents()).containsOnlyKeys("fresh");
		assertThat(this.errors).hasSize(1);
	}

	@Test
	void aServerRestoredFromAnOlderCopyAndWrittenByAnotherClientResetsTheClientThatFollowedTheLostHistory() {
		SyncManager manager = manager(this.dirA);
		SyncDatabase db = manager.open(config(manager, ClientResetMode.RECOVER_OR_DISCARD));
		SyncSession session = manager.sessionFor(db).orElseThrow();
		db.collection("tasks").put("old", Map.of("title", "in the copy"));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		// another client follows the partition up to the copy, then goes offline
		SyncManager otherManager = manager(this.dirC);
		SyncConfiguration otherConfiguration = SyncConfiguration.builder(otherManager.logIn(SyncCredentials.anonymous()),
				"tasks-list").errorHandler((s, error) -> this.errors.add(error)).build();
		SyncDatabase other = otherManager.open(otherConfiguration);
		assertThat(otherManager.sessionFor(other).orElseThrow().downloadAllServerChanges(LONG)).isTrue();
		other.close();
		stopServer();
		copyContents(this.serverDir, this.copyDir);
		startServer();
		db.collection("tasks").put("lost", Map.of("title", "synced after the copy"));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		session.suspend();
		db.collection("tasks").put("unsynced", Map.of("title", "written offline"));
		stopServer();
		deleteContents(this.serverDir);
		copyContents(this.copyDir, this.serverDir);
		startServer();
		// the restored server gives the versions this client saw ("lost") to the other client's write
		other = otherManager.open(otherConfiguration);
		other.collection("tasks").put("new", Map.of("title", "written to the restored server"));
		assertThat(otherManager.sessionFor(other).orElseThrow().uploadAllLocalChanges(LONG)).isTrue();
		session.resume();

		await().atMost(LONG).until(() -> this.after.size() == 1);
		assertThat(this.errors).singleElement().satisfies(error -> {
			assertThat(error.code()).isEqualTo(209);
			assertThat(error.action()).isEqualTo(ErrorAction.CLIENT_RESET);
			assertThat(error.backupPath()).hasValueSatisfying(path -> assertThat(path).exists());
		});
		assertThat(fieldsInFile(this.errors.get(0).backupPath().get(), "lost")).isNotNull();
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(session.downloadAllServerChanges(LONG)).isTrue();
		assertThat(SyncTestSupport.contents(db.collection("tasks"))).containsOnlyKeys("old", "new", "unsynced");
		assertThat(otherManager.sessionFor(other).orElseThrow().downloadAllServerChanges(LONG)).isTrue();
		assertThat(SyncTestSupport.contents(other.collection("tasks")))
			.isEqualTo(SyncTestSupport.contents(db.collection("tasks")));
		assertThat(serverContents()).containsOnlyKeys("old", "new", "unsynced");
	}

	@Test
	void aServerRestoredFromACopyOlderThanTheClientFileSays208AndTheDefaultModeRecovers() {
		startServer();
		stopServer();
		copyContents(this.serverDir, this.copyDir);
		startServer();
		SyncManager manager = manager(this.dirA);
		// the copy was taken before the client file existed: same salt, unknown file id
		SyncDatabase db = syncThenReplace(manager, ClientResetMode.RECOVER_OR_DISCARD, this.copyDir);
		SyncSession session = manager.sessionFor(db).orElseThrow();

		await().atMost(LONG).until(() -> this.after.size() == 1);
		assertThat(this.errors).singleElement().satisfies(error -> {
			assertThat(error.code()).isEqualTo(208);
			assertThat(error.action()).isEqualTo(ErrorAction.CLIENT_RESET);
			assertThat(error.isFatal()).isFalse();
			assertThat(error.backupPath()).hasValueSatisfying(path -> assertThat(path).exists());
		});
		assertThat(SyncTestSupport.contents(db.collection("tasks"))).containsOnlyKeys("unsynced");
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(serverContents()).containsOnlyKeys("unsynced");
	}

	@Test
	void historyCompactedPastTheCursorOfASuspendedClientSays222AndTheDefaultModeRecovers() {
		startCompactingServer();
		SyncManager manager = manager(this.dirA);
		SyncDatabase db = manager.open(config(manager, ClientResetMode.RECOVER_OR_DISCARD));
		SyncSession session = manager.sessionFor(db).orElseThrow();
		db.collection("tasks").put("synced", Map.of("title", "before the suspension"));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(session.downloadAllServerChanges(LONG)).isTrue();
		session.suspend();
		await().atMost(LONG).until(() -> session.connectionState() == ConnectionState.DISCONNECTED);
		db.collection("tasks").put("unsynced", Map.of("title", "written while suspended"));

		// others write while the client is away; the server then compacts that history
		List<SyncError> othersErrors = new CopyOnWriteArrayList<>();
		SyncManager other = manager(this.dirB);
		SyncDatabase otherDb = other.open(SyncConfiguration.builder(other.logIn(SyncCredentials.anonymous()), "tasks-list")
			.errorHandler((s, error) -> othersErrors.add(error))
			.build());
		SyncSession otherSession = other.sessionFor(otherDb).orElseThrow();
		for (int i = 0; i < 3; i++) {
			otherDb.collection("tasks").put("other-" + i, Map.of("title", "written by another client " + i));
		}
		assertThat(otherSession.uploadAllLocalChanges(LONG)).isTrue();
		long latest = serverVersion("latest_version");
		assertThat(latest).as("the client's own changeset, then the others' three").isEqualTo(4);
		await().atMost(LONG).until(() -> serverVersion("compacted_version") == latest);

		session.resume();

		await().atMost(LONG).until(() -> this.after.size() == 1);
		assertThat(this.errors).singleElement().satisfies(error -> {
			assertThat(error.code()).isEqualTo(ErrorCode.CLIENT_FILE_EXPIRED.number()).isEqualTo(222);
			assertThat(error.action()).isEqualTo(ErrorAction.CLIENT_RESET);
			assertThat(error.isFatal()).isFalse();
			assertThat(error.actionToken()).isEmpty();
			assertThat(error.backupPath()).hasValueSatisfying(path -> assertThat(path).exists());
		});
		Path backup = this.errors.get(0).backupPath().orElseThrow();
		assertThat(fieldsInFile(backup, "synced")).containsEntry("title", "before the suspension");
		assertThat(fieldsInFile(backup, "unsynced")).containsEntry("title", "written while suspended");
		assertThat(fieldsInFile(backup, "other-0")).isNull();
		assertThat(this.before).singleElement().satisfies(pair -> assertThat(pair[0].pendingChanges()).isEqualTo(1));
		assertThat(this.after.get(0)[1].all("tasks")).extracting(d -> d.id())
			.containsExactly("other-0", "other-1", "other-2", "synced", "unsynced");
		assertThat(SyncTestSupport.contents(db.collection("tasks")))
			.containsOnlyKeys("other-0", "other-1", "other-2", "synced", "unsynced")
			.containsEntry("unsynced", Map.of("title", "written while suspended"));
		assertThat(session.state()).isEqualTo(SyncSessionState.ACTIVE);

		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(db.pendingChanges()).isZero();
		assertThat(otherSession.downloadAllServerChanges(LONG)).isTrue();
		assertThat(SyncTestSupport.contents(otherDb.collection("tasks")))
			.isEqualTo(SyncTestSupport.contents(db.collection("tasks")));
		assertThat(othersErrors).as("a client that followed live is not reset").isEmpty();
		assertThat(this.errors).hasSize(1);
	}

	/**
	 * Device one (on {@code dirA}) writes {@code id} and syncs it; then, if {@code unsynced} is given,
	 * it suspends its session and runs it (its writes stay unsynced); it closes, and its files are
	 * copied to {@code copyDir} (a backup, or a second device).
	 */
	private void syncOnDeviceOneThenCopy(String id, String title, @Nullable Consumer<SyncDatabase> unsynced) {
		SyncManager first = untrackedManager(this.dirA);
		try {
			SyncDatabase db = first.open(config(first, ClientResetMode.RECOVER_OR_DISCARD));
			SyncSession session = first.sessionFor(db).orElseThrow();
			db.collection("tasks").put(id, Map.of("title", title));
			assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
			assertThat(session.downloadAllServerChanges(LONG)).isTrue();
			if (unsynced != null) {
				session.suspend();
				await().atMost(LONG).until(() -> session.connectionState() == ConnectionState.DISCONNECTED);
				unsynced.accept(db);
			}
		}
		finally {
			first.close();
		}
		copyContents(this.dirA, this.copyDir);
	}

	@Test
	void anExpiredClientWhoseLastAckWasLostRecoversTheIntegratedChangeWithoutOverwritingALaterWrite() {
		startCompactingServer();
		// the copy: the device as it is when the server integrated its edit but the ack never came back
		syncOnDeviceOneThenCopy("synced", "before",
				db -> db.collection("tasks").put("shared", Map.of("title", "the device's edit")));
		SyncManager uploading = untrackedManager(this.dirA);
		try {
			SyncDatabase db = uploading.open(config(uploading, ClientResetMode.RECOVER_OR_DISCARD));
			assertThat(uploading.sessionFor(db).orElseThrow().uploadAllLocalChanges(LONG)).isTrue();
		}
		finally {
			uploading.close();
		}
		// another client writes the same document later; then that history is compacted
		SyncManager other = manager(this.dirC);
		SyncDatabase otherDb = other.open(SyncConfiguration.builder(other.logIn(SyncCredentials.anonymous()), "tasks-list")
			.build());
		SyncSession otherSession = other.sessionFor(otherDb).orElseThrow();
		assertThat(otherSession.downloadAllServerChanges(LONG)).isTrue();
		assertThat(otherDb.collection("tasks").get("shared")).isPresent();
		otherDb.collection("tasks").put("shared", Map.of("title", "the later edit"));
		assertThat(otherSession.uploadAllLocalChanges(LONG)).isTrue();
		long latest = serverVersion("latest_version");
		await().atMost(LONG).until(() -> serverVersion("compacted_version") == latest);

		deleteContents(this.dirA);
		copyContents(this.copyDir, this.dirA);
		SyncManager manager = manager(this.dirA);
		SyncDatabase db = manager.open(config(manager, ClientResetMode.RECOVER_OR_DISCARD));
		awaitTheReset(ErrorCode.CLIENT_FILE_EXPIRED);
		assertThat(this.before).singleElement().satisfies(pair -> assertThat(pair[0].pendingChanges())
			.as("the integrated edit is recovered with the stamp it had, so it does not win").isEqualTo(1));
		assertThat(SyncTestSupport.contents(db.collection("tasks"))).containsEntry("shared",
				Map.of("title", "the later edit"));
		assertThat(manager.sessionFor(db).orElseThrow().uploadAllLocalChanges(LONG)).isTrue();
		assertThat(otherSession.downloadAllServerChanges(LONG)).isTrue();
		assertThat(SyncTestSupport.contents(otherDb.collection("tasks"))).containsEntry("shared",
				Map.of("title", "the later edit"));
	}

	/** Writes documents {@code ids} (with {@code title}) on the copy in {@code copyDir} while no server can be reached. */
	private void writeOnTheCopyOffline(String title, String... ids) {
		try (SyncManager offline = SyncManager.create(
				SyncTestSupport.settings(java.net.URI.create("ws://localhost:1/sync"), this.copyDir))) {
			SyncDatabase db = offline
				.open(SyncConfiguration.builder(offline.logIn(SyncCredentials.anonymous()), "tasks-list").build());
			for (String id : ids) {
				db.collection("tasks").put(id, Map.of("title", title));
			}
		}
	}

	/** A database and the session that syncs it. */
	private record Device(SyncDatabase db, SyncSession session) {
	}

	/** Device one (on {@code dirA}) writes documents {@code ids} and uploads them; its errors go to {@code errors}. */
	private Device deviceOneWrites(List<SyncError> errors, String... ids) {
		SyncManager one = manager(this.dirA);
		SyncDatabase db = one.open(SyncConfiguration.builder(one.logIn(SyncCredentials.anonymous()), "tasks-list")
			.errorHandler((session, error) -> errors.add(error))
			.build());
		SyncSession session = one.sessionFor(db).orElseThrow();
		for (String id : ids) {
			db.collection("tasks").put(id, Map.of("title", "device one"));
		}
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		return new Device(db, session);
	}

	/** Waits for the one client reset of the copy and checks its code. */
	private void awaitTheReset(ErrorCode code) {
		await().atMost(LONG).until(() -> this.after.size() == 1);
		assertThat(this.errors).singleElement().satisfies(error -> assertThat(error.code()).isEqualTo(code.number()));
	}

	@Test
	void aLocalFileCopiedToASecondDeviceLosesNoWriteOfEitherCopy() {
		// the local files are copied onto a second device (an app's data restored on a new phone)
		syncOnDeviceOneThenCopy("before-the-copy", "synced by device one", null);
		// device one writes on: the server integrates its client versions 2 and 3
		List<SyncError> oneErrors = new CopyOnWriteArrayList<>();
		Device one = deviceOneWrites(oneErrors, "one-1", "one-2");
		SyncDatabase dbOne = one.db();
		SyncSession sessionOne = one.session();

		// device two writes client versions 2 to 4 of the same file offline, then syncs
		SyncManager two = manager(this.copyDir);
		SyncDatabase dbTwo = two.open(config(two, ClientResetMode.RECOVER_OR_DISCARD));
		SyncSession sessionTwo = two.sessionFor(dbTwo).orElseThrow();
		sessionTwo.suspend();
		await().atMost(LONG).until(() -> sessionTwo.connectionState() == ConnectionState.DISCONNECTED);
		for (int i = 1; i <= 3; i++) {
			dbTwo.collection("tasks").put("two-" + i, Map.of("title", "device two"));
		}
		sessionTwo.resume();

		await().atMost(LONG).until(() -> this.after.size() == 1);
		assertThat(this.errors).singleElement().satisfies(error -> {
			assertThat(error.code()).isEqualTo(ErrorCode.DIVERGING_HISTORIES.number());
			assertThat(error.action()).isEqualTo(ErrorAction.CLIENT_RESET);
			assertThat(error.isFatal()).isFalse();
		});
		assertThat(this.before).singleElement()
			.satisfies(pair -> assertThat(pair[0].pendingChanges()).as("none of its writes was trimmed").isEqualTo(3));
		assertThat(sessionTwo.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(sessionTwo.downloadAllServerChanges(LONG)).isTrue();
		assertThat(sessionOne.downloadAllServerChanges(LONG)).isTrue();
		assertThat(SyncTestSupport.contents(dbTwo.collection("tasks"))).containsOnlyKeys("before-the-copy", "one-1",
				"one-2", "two-1", "two-2", "two-3");
		assertThat(SyncTestSupport.contents(dbOne.collection("tasks")))
			.isEqualTo(SyncTestSupport.contents(dbTwo.collection("tasks")));
		assertThat(oneErrors).as("the copy that wrote first goes on").isEmpty();
		assertThat(this.errors).hasSize(1);
	}

	@Test
	void aCopysDivergingWriteIsRecoveredOnTopOfALaterWriteOfAnotherDevice() {
		syncOnDeviceOneThenCopy("before-the-copy", "synced by device one", null);
		deviceOneWrites(new CopyOnWriteArrayList<>(), "one-1");
		// offline, the copy writes y at client version 2, which device one used
		writeOnTheCopyOffline("the copy's, unsynced", "y");
		// then another device writes y, later
		SyncManager other = manager(this.dirC);
		SyncDatabase otherDb = other.open(SyncConfiguration.builder(other.logIn(SyncCredentials.anonymous()), "tasks-list")
			.build());
		otherDb.collection("tasks").put("y", Map.of("title", "another device's, later"));
		assertThat(other.sessionFor(otherDb).orElseThrow().uploadAllLocalChanges(LONG)).isTrue();

		SyncManager two = manager(this.copyDir);
		SyncDatabase dbTwo = two.open(config(two, ClientResetMode.RECOVER_OR_DISCARD));
		awaitTheReset(ErrorCode.DIVERGING_HISTORIES);
		SyncSession sessionTwo = two.sessionFor(dbTwo).orElseThrow();
		assertThat(sessionTwo.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(sessionTwo.downloadAllServerChanges(LONG)).isTrue();
		// the server did not have it: recovered as any unsynced change, on top
		assertThat(serverContents()).containsEntry("y", Map.of("title", "the copy's, unsynced"));
		assertThat(SyncTestSupport.contents(dbTwo.collection("tasks"))).isEqualTo(serverContents());
	}

	@Test
	void aCopyThatOnlyReadsIsResetWhenItConnectsAfterTheOtherCopyWroteAndThenSeesItsWrites() {
		syncOnDeviceOneThenCopy("before-the-copy", "synced by device one", null);
		deviceOneWrites(new CopyOnWriteArrayList<>(), "one-1");

		// the copy never writes: its downloads would leave out device one's changesets (they carry its own
		// file id), so it would never see them without a reset
		SyncManager two = manager(this.copyDir);
		SyncDatabase dbTwo = two.open(config(two, ClientResetMode.RECOVER_OR_DISCARD));
		awaitTheReset(ErrorCode.DIVERGING_HISTORIES);
		assertThat(two.sessionFor(dbTwo).orElseThrow().downloadAllServerChanges(LONG)).isTrue();
		assertThat(SyncTestSupport.contents(dbTwo.collection("tasks"))).containsOnlyKeys("before-the-copy", "one-1");
	}

	/**
	 * A backup of device one's file (in {@code copyDir}) taken while its edit of "x" was pending; device
	 * one then uploads that edit and a newer one of "x".
	 */
	private void backUpWithAPendingEditThatTheDeviceThenSyncsAndEditsAgain() {
		syncOnDeviceOneThenCopy("x", "synced", db -> db.collection("tasks").put("x", Map.of("title", "pending at the backup")));
		SyncManager one = untrackedManager(this.dirA);
		try {
			SyncDatabase db = one.open(SyncConfiguration.builder(one.logIn(SyncCredentials.anonymous()), "tasks-list")
				.build());
			SyncSession session = one.sessionFor(db).orElseThrow();
			assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
			db.collection("tasks").put("x", Map.of("title", "newer edit"));
			assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		}
		finally {
			one.close();
		}
	}

	/** The restored copy syncs, and both it and the server hold device one's newer edit of "x". */
	private void assertSyncsWithTheNewerEdit(SyncManager restored, SyncDatabase db) {
		SyncSession session = restored.sessionFor(db).orElseThrow();
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(session.downloadAllServerChanges(LONG)).isTrue();
		assertThat(SyncTestSupport.contents(db.collection("tasks"))).containsEntry("x", Map.of("title", "newer edit"));
		assertThat(serverContents()).containsEntry("x", Map.of("title", "newer edit"));
	}

	@Test
	void aRestoredBackupResetsWithoutCommittingAgainTheEditTheServerAlreadyHas() {
		backUpWithAPendingEditThatTheDeviceThenSyncsAndEditsAgain();
		SyncManager restored = manager(this.copyDir);
		SyncDatabase db = restored.open(config(restored, ClientResetMode.RECOVER_OR_DISCARD));
		awaitTheReset(ErrorCode.DIVERGING_HISTORIES);
		assertThat(this.before).singleElement()
			.satisfies(pair -> assertThat(pair[0].pendingChanges()).as("the edit the server has was acknowledged").isZero());
		assertSyncsWithTheNewerEdit(restored, db);
	}

	@Test
	void aRestoredBackupOlderThanTheHistoryKeptDoesNotOverwriteANewerEditWithItsPendingOne() {
		startCompactingServer();
		backUpWithAPendingEditThatTheDeviceThenSyncsAndEditsAgain();
		long latest = serverVersion("latest_version");
		await().atMost(LONG).until(() -> serverVersion("compacted_version") == latest);

		SyncManager restored = manager(this.copyDir);
		SyncDatabase db = restored.open(config(restored, ClientResetMode.RECOVER_OR_DISCARD));
		awaitTheReset(ErrorCode.CLIENT_FILE_EXPIRED);
		assertThat(this.before).singleElement()
			.satisfies(pair -> assertThat(pair[0].pendingChanges()).as("recovered with its own stamp").isEqualTo(1));
		assertSyncsWithTheNewerEdit(restored, db);
	}

	@Test
	void aRestoredBackupOlderThanTheHistoryKeptThatWroteMoreThanTheOriginalKeepsEveryWrite() {
		startCompactingServer();
		backUpWithAPendingEditThatTheDeviceThenSyncsAndEditsAgain();
		long latest = serverVersion("latest_version");
		await().atMost(LONG).until(() -> serverVersion("compacted_version") == latest);
		// offline, the restored copy writes client versions 3 and 4 (device one used 3 for its newer edit)
		writeOnTheCopyOffline("written after the restore", "restored-1", "restored-2");

		SyncManager restored = manager(this.copyDir);
		SyncDatabase db = restored.open(config(restored, ClientResetMode.RECOVER_OR_DISCARD));
		awaitTheReset(ErrorCode.CLIENT_FILE_EXPIRED);
		assertThat(this.before).singleElement()
			.satisfies(pair -> assertThat(pair[0].pendingChanges()).as("none trimmed").isEqualTo(3));
		assertSyncsWithTheNewerEdit(restored, db);
		assertThat(SyncTestSupport.contents(db.collection("tasks"))).containsKeys("restored-1", "restored-2");
		assertThat(serverContents()).containsKeys("restored-1", "restored-2");
	}

	@Test
	void aRestoredBackupThatWritesResetsRecoveringOnlyItsOwnWrite() {
		backUpWithAPendingEditThatTheDeviceThenSyncsAndEditsAgain();
		SyncManager restored = manager(this.copyDir);
		SyncDatabase db = restored.open(config(restored, ClientResetMode.RECOVER_OR_DISCARD));
		SyncSession session = restored.sessionFor(db).orElseThrow();
		session.suspend();
		await().atMost(LONG).until(() -> session.connectionState() == ConnectionState.DISCONNECTED);
		// its client version 3, which device one used for its newer edit
		db.collection("tasks").put("restored", Map.of("title", "written after the restore"));
		session.resume();

		awaitTheReset(ErrorCode.DIVERGING_HISTORIES);
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(session.downloadAllServerChanges(LONG)).isTrue();
		assertThat(SyncTestSupport.contents(db.collection("tasks")))
			.containsEntry("x", Map.of("title", "newer edit"))
			.containsEntry("restored", Map.of("title", "written after the restore"));
		assertThat(serverContents()).isEqualTo(SyncTestSupport.contents(db.collection("tasks")));
	}

	/** A column of the server's row for the partition, read from its SQLite file on a connection of the test's own. */
	private long serverVersion(String column) {
		String url = "jdbc:sqlite:" + this.serverDir.resolve(JdbcHistoryStore.SQLITE_FILE_NAME).toAbsolutePath();
		try (Connection connection = DriverManager.getConnection(url);
				PreparedStatement statement = connection
					.prepareStatement("SELECT " + column + " FROM syncboot_partition WHERE name = ?")) {
			statement.setQueryTimeout(30);
			statement.setString(1, "tasks-list");
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next() ? rows.getLong(1) : -1;
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void aResetDemandedAgainBeforeAnyDownloadFallsBackToManual() throws Exception {
		MessageCodec codec = new MessageCodec();
		try (FakeSyncServer fake = new FakeSyncServer()) {
			SyncManager manager = track(SyncManager.create(SyncTestSupport.settings(fake.url(), this.dirA)));
			SyncDatabase db = manager.open(config(manager, ClientResetMode.DISCARD_UNSYNCED_CHANGES));
			SyncSession session = manager.sessionFor(db).orElseThrow();
			db.collection("tasks").put("t", Map.of("title", "local"));
			fake.upgrade(fake.acceptHandshake());
			for (int round = 0; round < 2; round++) {
				SyncMessage.Bind bind = next(fake, codec, SyncMessage.Bind.class);
				assertThat(bind.needClientFileId()).isTrue();
				fake.sendText(codec.encode(new SyncMessage.Ident(bind.session(), 5 + round, 55, 0, 0, 555)));
				next(fake, codec, SyncMessage.Ident.class);
				fake.sendText(codec.encode(new SyncMessage.Error(bind.session(), ErrorCode.DIVERGING_HISTORIES,
						"the history diverged")));
				if (round == 0) {
					await().atMost(LONG).until(() -> this.errors.size() == 1);
					assertThat(this.errors.get(0).isFatal()).isFalse();
					assertThat(this.errors.get(0).actionToken()).isEmpty();
				}
			}

			await().atMost(LONG).until(() -> this.errors.size() == 2);
			SyncError fallback = this.errors.get(1);
			assertThat(fallback.code()).isEqualTo(211);
			assertThat(fallback.action()).isEqualTo(ErrorAction.CLIENT_RESET);
			assertThat(fallback.isFatal()).isTrue();
			assertThat(fallback.actionToken()).isPresent();
			assertThat(fallback.message()).contains("repeated");
			assertThat(session.state()).isEqualTo(SyncSessionState.INACTIVE);
			assertThat(this.after).isEmpty();
			db.collection("tasks").put("u", Map.of("title", "after the fallback"));
			Path file = db.path();
			manager.immediatelyHandleError(fallback.actionToken().get());
			assertThat(file).exists();
			assertThat(fallback.backupPath()).hasValueSatisfying(path -> assertThat(path).exists());
			assertThat(fieldsInFile(fallback.backupPath().get(), "u")).containsEntry("title", "after the fallback");
			assertThat(db.isClosed()).isFalse();
			assertThat(db.pendingChanges()).isZero();
			await().atMost(LONG).until(() -> session.state() == SyncSessionState.ACTIVE);
			// the session binds again as a new client file
			SyncMessage.Bind bind = next(fake, codec, SyncMessage.Bind.class);
			assertThat(bind.needClientFileId()).isTrue();
		}
	}

	private static <T extends SyncMessage> T next(FakeSyncServer fake, MessageCodec codec, Class<T> type) throws IOException {
		while (true) {
			SyncMessage message = codec.decode(fake.readText());
			if (type.isInstance(message)) {
				return type.cast(message);
			}
		}
	}

	static void deleteContents(Path directory) {
		try (Stream<Path> files = Files.walk(directory)) {
			files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(directory)).forEach(p -> {
				try {
					Files.delete(p);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static void copyContents(Path from, Path to) {
		try (Stream<Path> files = Files.walk(from)) {
			files.filter(p -> !p.equals(from)).forEach(p -> {
				try {
					Files.copy(p, to.resolve(from.relativize(p).toString()));
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
