package io.syncboot.client.internal.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.syncboot.client.ClientResetListener;
import io.syncboot.client.ClientResetMode;
import io.syncboot.client.DatabaseSnapshot;
import io.syncboot.client.Document;
import io.syncboot.client.ErrorAction;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncSessionState;
import io.syncboot.client.internal.store.CommitResult;
import io.syncboot.client.internal.store.SqliteStore;
import io.syncboot.core.protocol.SyncMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client resets of a {@link DefaultSyncSession} (errors 208, 209, 211, 222). {@code MANUAL} makes
 * the session inactive and reports the error with a {@link PendingAction} that backs the file up;
 * run while the database is open ({@link #resetNow}) it does what the discard mode does, and the
 * session becomes active again. The automatic modes back the file up (a consistent copy at the
 * backup path), reset it in place on the store thread (forget the file id, cursor and documents;
 * when recovering, re-commit the unacknowledged local changesets as new local writes), both under
 * the store's lock so that no local write falls between the copy and the reset, and restart the
 * protocol session, which binds as a new client file and is bootstrapped from a snapshot. A reset
 * demanded again before any download was applied since the last one falls back to {@code MANUAL}.
 */
final class ClientResets {

	private static final Logger logger = LoggerFactory.getLogger(ClientResets.class);

	private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
		.withZone(ZoneOffset.UTC);

	private ClientResets() {
	}

	/** The server demands a client reset (loop). */
	static void start(DefaultSyncSession session, ProtocolSession source, SyncMessage.Error error) {
		ClientResetMode mode;
		boolean repeated;
		SqliteStore store;
		synchronized (session.lock) {
			if (session.state == SyncSessionState.INVALID) {
				return;
			}
			mode = session.configuration.clientResetMode();
			repeated = session.resetAwaitingDownload;
			store = session.store;
		}
		Path backup = backupPath(session.path);
		source.halt();
		if (mode == ClientResetMode.MANUAL || store == null) {
			manual(session, error, backup, null);
			return;
		}
		if (repeated) {
			manual(session, error, backup, "the client reset repeated before any download succeeded after the "
					+ "previous one; handle it with the action token");
			return;
		}
		logger.info("Client reset of {} ({} {}), mode {}", session.path, error.code(), error.message(), mode);
		session.engine.storeThread().post(() -> automatic(session, store, error, mode, backup));
	}

	/** A download with nothing remaining was applied (store thread): an automatic reset is complete. */
	static void downloadComplete(DefaultSyncSession session) {
		DatabaseSnapshot before;
		ClientResetListener listener;
		SqliteStore store;
		synchronized (session.lock) {
			if (!session.resetAwaitingDownload) {
				return;
			}
			session.resetAwaitingDownload = false;
			before = session.resetBefore;
			session.resetBefore = null;
			listener = session.configuration.afterClientReset();
			store = session.store;
		}
		if (listener != null && before != null && store != null && !store.isClosed()) {
			DatabaseSnapshot after = snapshot(store);
			notify(session, listener, before, after);
		}
	}

	private static void automatic(DefaultSyncSession session, SqliteStore store, SyncMessage.Error error,
			ClientResetMode mode, Path backup) {
		if (store.isClosed()) {
			return;
		}
		ClientResetListener beforeListener;
		synchronized (session.lock) {
			beforeListener = session.configuration.beforeClientReset();
		}
		Reset reset;
		try {
			reset = store.exclusively(() -> resetLocked(session, store, mode, backup, beforeListener));
		}
		catch (ResetFailed ex) {
			session.engine.loop().post(() -> manual(session, error, backup, ex.getMessage()));
			return;
		}
		session.notifyRemoteChange(reset.result());
		session.progress.uploadChanged();
		synchronized (session.lock) {
			if (session.state == SyncSessionState.INVALID) {
				return;
			}
			session.resetAwaitingDownload = true;
			session.resetBefore = reset.before();
			session.epoch++;
			session.postReconcile();
		}
		session.report(new SyncError(error.code().number(), "client reset (" + mode + "): " + error.message() + "; "
				+ reset.how() + "; the previous file was backed up to " + backup, false, ErrorAction.CLIENT_RESET, null,
				backup));
	}

	/** Backs the file up and resets it per the mode (store thread, holding the store's lock). */
	private static Reset resetLocked(DefaultSyncSession session, SqliteStore store, ClientResetMode mode, Path backup,
			@Nullable ClientResetListener beforeListener) {
		DatabaseSnapshot before;
		try {
			before = snapshot(store);
			store.backupTo(backup);
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot back up {} for a client reset", session.path, ex);
			throw new ResetFailed("the automatic reset failed: " + ex.getMessage());
		}
		if (beforeListener != null) {
			notify(session, beforeListener, before, before);
		}
		if (mode != ClientResetMode.DISCARD_UNSYNCED_CHANGES) {
			try {
				return new Reset(before, store.resetForClientReset(true),
						"recovered " + before.pendingChanges() + " unsynced local changesets");
			}
			catch (RuntimeException ex) {
				logger.warn("Recovering the unsynced changes of {} failed", session.path, ex);
				if (mode == ClientResetMode.RECOVER_UNSYNCED_CHANGES) {
					throw new ResetFailed("recovering the unsynced changes failed: " + ex.getMessage());
				}
			}
		}
		try {
			return new Reset(before, store.resetForClientReset(false),
					"discarded " + before.pendingChanges() + " unsynced local changesets");
		}
		catch (RuntimeException ex) {
			logger.warn("Resetting {} failed", session.path, ex);
			throw new ResetFailed("the automatic reset failed: " + ex.getMessage());
		}
	}

	/** An automatic reset that could not run; it falls back to {@code MANUAL}. */
	private static final class ResetFailed extends RuntimeException {

		private static final long serialVersionUID = 1L;

		ResetFailed(String message) {
			super(message, null, false, false);
		}

	}

	/** What an automatic reset did: the state before it, the reset's commit, and how it treated the unsynced changes. */
	private record Reset(DatabaseSnapshot before, CommitResult result, String how) {
	}

	/**
	 * Makes the session inactive until the reset's action token runs, and reports the reset with
	 * that token, which backs the file up to {@code backup} (any thread).
	 */
	static void manual(DefaultSyncSession session, SyncMessage.Error error, Path backup, @Nullable String note) {
		PendingAction pending = new PendingAction(session.engine, PendingAction.Kind.RESET, session.path, backup);
		record(session, pending);
		String message = error.message() + ((note != null) ? " (" + note + ")" : "")
				+ "; the session is inactive until the action token runs: it backs the local file up to " + backup
				+ " and downloads afresh";
		logger.warn("Session {} needs a manual client reset: {} {}", session.path, error.code(), message);
		session.awaitResetAction(pending, new SyncError(error.code().number(), message, true, ErrorAction.CLIENT_RESET,
				pending, backup));
	}

	/**
	 * Runs the action of a pending manual reset while the database is open (application thread):
	 * on the store thread, under the store's lock, a consistent copy of the file goes to the
	 * action's backup path and the file is reset in place (documents, outbox, client file id, salts,
	 * cursor); the action is no longer recorded; the session becomes active and binds as a new
	 * client file. Blocks until the file is reset.
	 * @return {@code false} if this cannot run here (no reset pending, the session invalid, or its
	 * database closed): the caller then moves the closed file
	 * @throws UncheckedIOException if the backup or the reset failed (nothing changed in the file)
	 */
	static boolean resetNow(DefaultSyncSession session, PendingAction action) {
		SqliteStore store;
		synchronized (session.lock) {
			if (session.state == SyncSessionState.INVALID || session.resetPending == null || session.database == null
					|| session.store == null) {
				return false;
			}
			store = session.store;
		}
		Path backup = Objects.requireNonNull(action.backup(), "backup");
		CompletableFuture<Boolean> done = new CompletableFuture<>();
		Runnable work = () -> {
			try {
				if (store.isClosed()) {
					done.complete(false);
					return;
				}
				CommitResult result = store.exclusively(() -> {
					store.backupTo(backup);
					return store.resetForClientReset(false);
				});
				session.notifyRemoteChange(result);
				session.progress.uploadChanged();
				done.complete(true);
			}
			catch (RuntimeException ex) {
				done.completeExceptionally(ex);
			}
		};
		if (session.engine.storeThread().inLoop()) {
			work.run();
		}
		else if (!session.engine.storeThread().post(work)) {
			throw new IllegalStateException("the sync manager is closed");
		}
		boolean reset;
		try {
			reset = done.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof IllegalStateException closed && store.isClosed()) {
				logger.debug("The store of {} closed while its reset was about to run", session.path, closed);
				return false;
			}
			throw new UncheckedIOException("cannot back up and reset " + session.path + ": " + ex.getCause().getMessage(),
					new IOException(ex.getCause()));
		}
		if (!reset) {
			return false;
		}
		try {
			action.forget(session.engine.settings().baseDirectory());
		}
		catch (UncheckedIOException ex) {
			logger.error("Cannot forget the pending action {}; the next start moves the reset file to {}", action,
					backup, ex);
		}
		logger.info("Client reset of {} done by its action token: backed up to {}, downloading afresh", session.path,
				backup);
		session.resetActionDone();
		return true;
	}

	/** Records an action durably; a failure is logged (the action token still works in this process). */
	static void record(DefaultSyncSession session, PendingAction pending) {
		try {
			pending.record(session.engine.settings().baseDirectory());
		}
		catch (UncheckedIOException ex) {
			logger.error("Cannot record the pending action {}", pending, ex);
		}
	}

	/** {@code <user directory>/recovery/<partition>-<UTC timestamp>.db}, not yet existing. */
	static Path backupPath(Path database) {
		String name = database.getFileName().toString();
		if (name.endsWith(".db")) {
			name = name.substring(0, name.length() - 3);
		}
		Path directory = database.toAbsolutePath().getParent().resolve("recovery");
		String base = name + "-" + STAMP.format(Instant.now());
		Path candidate = directory.resolve(base + ".db");
		for (int i = 2; Files.exists(candidate); i++) {
			candidate = directory.resolve(base + "-" + i + ".db");
		}
		return candidate;
	}

	static DatabaseSnapshot snapshot(SqliteStore store) {
		SqliteStore.Snapshot snapshot = store.snapshot();
		List<Document> documents = snapshot.documents().stream()
			.map(entry -> new Document(entry.getKey().collection(), entry.getKey().id(), entry.getValue()))
			.toList();
		return new DatabaseSnapshot(store.path(), documents, snapshot.pendingChanges());
	}

	private static void notify(DefaultSyncSession session, ClientResetListener listener, DatabaseSnapshot before,
			DatabaseSnapshot after) {
		session.engine.notifier().post(() -> {
			try {
				listener.onClientReset(session, before, after);
			}
			catch (RuntimeException ex) {
				logger.error("A client reset listener of {} failed", session.path, ex);
			}
		});
	}

}
