package io.syncboot.client.internal.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.syncboot.client.ClientResetListener;
import io.syncboot.client.ClientResetMode;
import io.syncboot.client.DatabaseSnapshot;
import io.syncboot.client.Document;
import io.syncboot.client.ErrorAction;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncSessionState;
import io.syncboot.client.internal.concurrent.EventLoop;
import io.syncboot.client.internal.store.CommitResult;
import io.syncboot.client.internal.store.SqliteStore;
import io.syncboot.client.internal.store.StoreMeta;
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

	/** {@link Reset#recoveredUpTo()} of a reset that discarded the unsynced changes. */
	private static final long NOTHING_RECOVERED = -1;

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
			// the failed attempt left no backup (resetLocked deleted it); the fallback gets a path of its own
			Path fallback = backupPath(session.path);
			session.engine.loop().post(() -> manual(session, error, fallback, ex.getMessage()));
			return;
		}
		session.notifyRemoteChange(reset.result());
		session.progress.uploadChanged();
		synchronized (session.lock) {
			if (session.state == SyncSessionState.INVALID) {
				return;
			}
			if (reset.recoveredUpTo() != NOTHING_RECOVERED) {
				// the waited-for changes now have new client versions; without this the first download
				// after the reset (acknowledging the old versions) would complete the waits too early
				session.waits.recovered(reset.recoveredUpTo(), reset.result().meta().lastCommittedClientVersion());
			}
			else {
				// the waited-for changes are gone (only the backup has them): the server never acknowledges
				// them, and the first download after the reset must not complete their waits as if it had
				session.waits.discarded(reset.result().meta().lastCommittedClientVersion(),
						discardedError(session, mode, backup));
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

	/** The failure of an upload wait whose changes an automatic client reset discarded. */
	private static IllegalStateException discardedError(DefaultSyncSession session, ClientResetMode mode, Path backup) {
		return new IllegalStateException("the client reset (" + mode + ") of " + session.path
				+ " discarded the unsynced local changes this wait was for: the server never got them; they are"
				+ " only in the backup " + backup);
	}

	/**
	 * Backs the file up and resets it per the mode (store thread, holding the store's lock). If the
	 * reset fails after the backup was written, the backup is deleted again: the file is unchanged, and
	 * a backup path that exists would make the manual fallback's action impossible to run.
	 */
	private static Reset resetLocked(DefaultSyncSession session, SqliteStore store, ClientResetMode mode, Path backup,
			@Nullable ClientResetListener beforeListener) {
		DatabaseSnapshot before;
		try {
			before = snapshot(store);
			store.backupTo(backup);
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot back up {} for a client reset", session.path, ex);
			deleteBackup(backup);
			throw new ResetFailed("the automatic reset failed: " + ex.getMessage());
		}
		try {
			return resetBackedUp(session, store, mode, before, beforeListener);
		}
		catch (RuntimeException | Error ex) {
			deleteBackup(backup);
			throw ex;
		}
	}

	private static Reset resetBackedUp(DefaultSyncSession session, SqliteStore store, ClientResetMode mode,
			DatabaseSnapshot before, @Nullable ClientResetListener beforeListener) {
		if (beforeListener != null) {
			notify(session, beforeListener, before, before);
		}
		if (mode != ClientResetMode.DISCARD_UNSYNCED_CHANGES) {
			try {
				StoreMeta meta = store.meta();
				return new Reset(before, store.resetForClientReset(true), meta.lastCommittedClientVersion(),
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
			return new Reset(before, store.resetForClientReset(false), NOTHING_RECOVERED,
					"discarded " + before.pendingChanges() + " unsynced local changesets");
		}
		catch (RuntimeException ex) {
			logger.warn("Resetting {} failed", session.path, ex);
			throw new ResetFailed("the automatic reset failed: " + ex.getMessage());
		}
	}

	/**
	 * Deletes the backup of a reset that did not happen (the file is unchanged, so it holds nothing
	 * the file does not), with any SQLite side files; a failure is logged.
	 */
	static void deleteBackup(Path backup) {
		for (String suffix : new String[] { "", "-journal", "-wal", "-shm" }) {
			Path file = Path.of(backup + suffix);
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException | RuntimeException ex) {
				logger.error("Cannot delete {}, left by a client reset that failed", file, ex);
			}
		}
	}

	/** An automatic reset that could not run; it falls back to {@code MANUAL}. */
	private static final class ResetFailed extends RuntimeException {

		private static final long serialVersionUID = 1L;

		ResetFailed(String message) {
			super(message, null, false, false);
		}

	}

	/**
	 * What an automatic reset did: the state before it, the reset's commit, and how it treated the
	 * unsynced changes.
	 * @param recoveredUpTo the last local changeset before a reset that recovered them,
	 * {@link #NOTHING_RECOVERED} after one that discarded them
	 */
	private record Reset(DatabaseSnapshot before, CommitResult result, long recoveredUpTo, String how) {
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
	 * client file. Blocks until the file is reset. If the reset fails after the backup was written,
	 * the backup is deleted again (the file is unchanged), so the token may be run again; a backup
	 * left at the path by such an attempt is replaced, since this reset is still pending.
	 * <p>
	 * Only the reset the session waits for is run: a token of an earlier reset of the file (the
	 * session was ended, for example by a log-out, and the file opened again since, so that the
	 * session now waits for another reset's token, or for none) is stale. It is forgotten (no
	 * longer recorded) and the file is left alone: a reset still needed is demanded again by the
	 * server and has its own token.
	 * @return {@code false} if this cannot run here (the session invalid, or its database closed):
	 * the caller then moves the closed file
	 * @throws UncheckedIOException if the backup or the reset failed (nothing changed in the file)
	 * @throws IllegalStateException if the store thread stopped (the manager closed) before the
	 * reset ran, or the reset did not end within {@link #RESET_TIMEOUT}
	 */
	static boolean resetNow(DefaultSyncSession session, PendingAction action) {
		SqliteStore store;
		synchronized (session.lock) {
			if (session.state == SyncSessionState.INVALID) {
				return false;
			}
			// the pending reset is kept until its token runs, also while the database is closed: a
			// session that waits for another token, or for none, was not reset by this one
			if (session.resetPending == null || !action.equals(session.resetPending)) {
				forgetStale(session, action);
				return true;
			}
			if (session.database == null || session.store == null) {
				return false;
			}
			store = session.store;
		}
		Path backup = Objects.requireNonNull(action.backup(), "backup");
		Outcome outcome;
		try {
			outcome = callOnStoreThread(session.engine.storeThread(), () -> resetOnStoreThread(session, store, action,
					backup), RESET_TIMEOUT, "the client reset of " + session.path);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof IllegalStateException closed && store.isClosed()) {
				logger.debug("The store of {} closed while its reset was about to run", session.path, closed);
				return false;
			}
			throw new UncheckedIOException("cannot back up and reset " + session.path + ": " + cause.getMessage(),
					new IOException(cause));
		}
		return outcome != Outcome.CLOSED;
	}

	/** The longest {@link #resetNow} waits for the backup (a {@code VACUUM INTO} of the whole file) and the reset. */
	static final Duration RESET_TIMEOUT = Duration.ofHours(1);

	/** How often a caller waiting for the store thread checks that it still runs. */
	private static final Duration POLL = Duration.ofMillis(200);

	/** What a reset in place did. */
	private enum Outcome {

		/** Backed up and reset. */
		RESET,
		/** The token was not the pending reset's by the time it ran; forgotten. */
		STALE,
		/** The store closed or the session ended meanwhile: the caller moves the closed file. */
		CLOSED

	}

	/** Backs the file up and resets it, then lets the session go on (store thread). */
	private static Outcome resetOnStoreThread(DefaultSyncSession session, SqliteStore store, PendingAction action,
			Path backup) {
		if (store.isClosed()) {
			return Outcome.CLOSED;
		}
		synchronized (session.lock) {
			if (session.state == SyncSessionState.INVALID || session.store != store) {
				return Outcome.CLOSED;
			}
			if (!action.equals(session.resetPending)) {
				forgetStale(session, action);
				return Outcome.STALE;
			}
		}
		CommitResult result = store.exclusively(() -> {
			// this reset is still pending, so the file was not reset: anything at the path is a
			// leftover of an attempt that failed and could not delete it
			deleteBackup(backup);
			try {
				store.backupTo(backup);
				return store.resetForClientReset(false);
			}
			catch (RuntimeException | Error ex) {
				deleteBackup(backup);
				throw ex;
			}
		});
		// what follows the reset runs here, not in the caller, which may have stopped waiting
		session.notifyRemoteChange(result);
		session.progress.uploadChanged();
		try {
			action.forget(session.engine.settings().baseDirectory());
		}
		catch (UncheckedIOException ex) {
			logger.error("Cannot forget the pending action {}; the next start leaves the reset file where it is, "
					+ "since {} exists", action, backup, ex);
		}
		logger.info("Client reset of {} done by its action token: backed up to {}, downloading afresh", session.path,
				backup);
		session.resetActionDone();
		return Outcome.RESET;
	}

	/** A token whose reset is not the one the session waits for: no longer recorded, the file untouched. */
	private static void forgetStale(DefaultSyncSession session, PendingAction action) {
		logger.info("{} is not the pending client reset of {} (an earlier one): forgotten, the file stays", action,
				session.path);
		try {
			action.forget(session.engine.settings().baseDirectory());
		}
		catch (UncheckedIOException ex) {
			logger.error("Cannot forget the stale pending action {}", action, ex);
		}
	}

	/**
	 * Runs {@code work} on the store thread (directly if called there) and waits for it without ever
	 * blocking forever: whatever {@code work} throws, {@link Error}s included, ends the wait as an
	 * {@link ExecutionException}; if the store thread is shut down (its manager closes) before the work
	 * started, it never runs and the wait fails; so it does if the work did not end within
	 * {@code timeout} (it is abandoned if it did not start; once started it goes on to its end).
	 * @throws ExecutionException wrapping what {@code work} threw
	 * @throws IllegalStateException if the store thread stopped first, the wait timed out or was
	 * interrupted
	 */
	static <T> T callOnStoreThread(EventLoop storeThread, Callable<T> work, Duration timeout, String what)
			throws ExecutionException {
		if (storeThread.inLoop()) {
			try {
				return work.call();
			}
			catch (Exception | Error ex) {
				throw new ExecutionException(ex);
			}
		}
		CompletableFuture<T> done = new CompletableFuture<>();
		AtomicInteger stage = new AtomicInteger(QUEUED);
		Runnable task = () -> {
			if (!stage.compareAndSet(QUEUED, RUNNING)) {
				return;
			}
			try {
				done.complete(work.call());
			}
			catch (Throwable ex) {
				done.completeExceptionally(ex);
			}
		};
		if (!storeThread.post(task)) {
			throw new IllegalStateException("the sync manager is closed: " + what + " cannot run");
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			try {
				return done.get(Math.min(POLL.toNanos(), Math.max(1, deadline - System.nanoTime())), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException ex) {
				if (storeThread.isShutdown() && stage.compareAndSet(QUEUED, ABANDONED)) {
					throw new IllegalStateException("the sync manager closed before " + what + " ran; nothing changed");
				}
				if (System.nanoTime() - deadline >= 0) {
					if (stage.compareAndSet(QUEUED, ABANDONED)) {
						throw new IllegalStateException(what + " did not start within " + timeout + "; nothing changed");
					}
					throw new IllegalStateException(what + " did not end within " + timeout
							+ "; it goes on on the store thread");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				boolean abandoned = stage.compareAndSet(QUEUED, ABANDONED);
				throw new IllegalStateException("interrupted while waiting for " + what
						+ (abandoned ? "; nothing changed" : "; it goes on on the store thread"), ex);
			}
		}
	}

	private static final int QUEUED = 0;

	private static final int RUNNING = 1;

	private static final int ABANDONED = 2;

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
