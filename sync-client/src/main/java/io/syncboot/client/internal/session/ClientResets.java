package io.syncboot.client.internal.session;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

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
 * Client resets of a {@link DefaultSyncSession} (errors 208, 209, 211, 222). {@code MANUAL}
 * invalidates the session and reports the error with a {@link PendingAction} that moves the file
 * to its backup path. The automatic modes back the file up (a consistent copy at the backup path),
 * reset it in place on the store thread (forget the file id, cursor and documents; when
 * recovering, re-commit the unacknowledged local changesets as new local writes) and restart the
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
		DatabaseSnapshot before;
		try {
			before = snapshot(store);
			store.backupTo(backup);
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot back up {} for a client reset", session.path, ex);
			session.engine.loop().post(() -> manual(session, error, backup, "the automatic reset failed: " + ex.getMessage()));
			return;
		}
		ClientResetListener beforeListener;
		synchronized (session.lock) {
			beforeListener = session.configuration.beforeClientReset();
		}
		if (beforeListener != null) {
			notify(session, beforeListener, before, before);
		}
		CommitResult result = null;
		String how = "discarded " + before.pendingChanges() + " unsynced local changesets";
		if (mode != ClientResetMode.DISCARD_UNSYNCED_CHANGES) {
			try {
				result = store.resetForClientReset(true);
				how = "recovered " + before.pendingChanges() + " unsynced local changesets";
			}
			catch (RuntimeException ex) {
				logger.warn("Recovering the unsynced changes of {} failed", session.path, ex);
				if (mode == ClientResetMode.RECOVER_UNSYNCED_CHANGES) {
					session.engine.loop().post(() -> manual(session, error, backup, "recovering the unsynced changes failed: "
							+ ex.getMessage()));
					return;
				}
			}
		}
		try {
			if (result == null) {
				result = store.resetForClientReset(false);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Resetting {} failed", session.path, ex);
			session.engine.loop().post(() -> manual(session, error, backup, "the automatic reset failed: " + ex.getMessage()));
			return;
		}
		session.notifyRemoteChange(result);
		session.progress.uploadChanged();
		synchronized (session.lock) {
			if (session.state == SyncSessionState.INVALID) {
				return;
			}
			session.resetAwaitingDownload = true;
			session.resetBefore = before;
			session.epoch++;
			session.postReconcile();
		}
		session.report(new SyncError(error.code().number(), "client reset (" + mode + "): " + error.message() + "; " + how
				+ "; the previous file was backed up to " + backup, false, ErrorAction.CLIENT_RESET, null, backup));
	}

	/** Ends the session and reports the reset with a token that moves the file to {@code backup} (any thread). */
	static void manual(DefaultSyncSession session, SyncMessage.Error error, Path backup, @Nullable String note) {
		PendingAction pending = new PendingAction(session.engine, PendingAction.Kind.RESET, session.path, backup);
		record(session, pending);
		String message = error.message() + ((note != null) ? " (" + note + ")" : "")
				+ "; run the action token to move the local file to " + backup + " and download afresh";
		logger.warn("Session {} needs a manual client reset: {} {}", session.path, error.code(), message);
		synchronized (session.lock) {
			session.invalidate(new SyncError(error.code().number(), message, true, ErrorAction.CLIENT_RESET, pending, backup));
		}
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
