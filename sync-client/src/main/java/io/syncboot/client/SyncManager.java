package io.syncboot.client;

import java.util.List;
import java.util.Optional;

import io.syncboot.client.internal.DefaultSyncManager;

/**
 * The entry point of the client: logs users in, opens their databases and runs the sync engine
 * (one event-loop thread, one store thread and one notification thread per manager). Create one
 * per server and base directory with {@link #create(SyncClientSettings)}; thread-safe.
 *
 * <p>{@link #close()} ends every session ({@link SyncSessionState#INVALID}), closes every database
 * and connection and stops the threads, so the base directory can be deleted right after. Methods
 * throw {@link IllegalStateException} once closed, except {@link #settings()} and {@link #close()}.
 * Callbacks of its sessions run on its notification thread ({@code syncboot-notify-N}), progress
 * listeners on its progress threads ({@code syncboot-progress-N}), token renewals on its auth
 * thread ({@code syncboot-auth-N}); see {@link SyncSession}.
 */
public interface SyncManager extends AutoCloseable {

	/**
	 * Creates a manager and starts its threads.
	 * @throws IllegalArgumentException if {@code settings} is null
	 * @throws java.io.UncheckedIOException if the base directory cannot be created
	 */
	static SyncManager create(SyncClientSettings settings) {
		return new DefaultSyncManager(Arguments.notNull(settings, "settings"));
	}

	/** The settings it was created with (also once closed). */
	SyncClientSettings settings();

	/**
	 * Logs a user in. No network call (the credentials are presented on each connection), except for
	 * {@link SyncCredentials#apiKey(String)} credentials, whose key is exchanged for a token at the
	 * server's token endpoint first (blocking). Logging in again with credentials of the same user id
	 * returns that user, now with these credentials.
	 * @throws IllegalArgumentException if {@code credentials} is null, its token has no subject, or the
	 * server refuses its API key
	 * @throws java.io.UncheckedIOException if the token endpoint cannot be reached and the API key
	 * never logged in under this base directory (one that did logs in offline as its user)
	 * @throws IllegalStateException once closed
	 */
	SyncUser logIn(SyncCredentials credentials);

	/**
	 * Every logged-in user.
	 * @throws IllegalStateException once closed
	 */
	List<SyncUser> allUsers();

	/**
	 * Opens (creating if needed) the local database of a configuration and starts its session.
	 * @throws IllegalArgumentException if {@code configuration} is null or its user belongs to
	 * another manager
	 * @throws IllegalStateException if the user is logged out, that database is already open, or the
	 * manager is closed
	 */
	SyncDatabase open(SyncConfiguration configuration);

	/**
	 * The session of an open database; empty if the database is closed or belongs to another manager.
	 * @throws IllegalArgumentException if {@code database} is null
	 * @throws IllegalStateException once closed
	 */
	Optional<SyncSession> sessionFor(SyncDatabase database);

	/**
	 * Every session that is not {@link SyncSessionState#INVALID}.
	 * @throws IllegalStateException once closed
	 */
	List<SyncSession> allSessions();

	/**
	 * Resets the reconnect backoff of every connection and connects now those waiting for their
	 * next attempt.
	 * @throws IllegalStateException once closed
	 */
	void reconnect();

	/**
	 * Runs the action of an error now (the error's {@link SyncError#actionToken()}), blocking until
	 * the local file is backed up, moved or deleted.
	 * <ul>
	 * <li>A client reset ({@link ErrorAction#CLIENT_RESET}, mode {@link ClientResetMode#MANUAL} or an
	 * automatic reset that fell back to it) whose database is open: on the store thread, a consistent
	 * copy of the file, with every local change not uploaded, is written to
	 * {@link SyncError#backupPath()}, and the file is emptied in place (documents, pending changes,
	 * client file id, download cursor); then the session, until now
	 * {@link SyncSessionState#INACTIVE}, becomes active again, binds as a new client file and
	 * downloads the server's state. The same {@link SyncDatabase} and {@link SyncSession} keep working,
	 * with their listeners (change listeners see the emptied documents as a remote change).</li>
	 * <li>A client reset whose database the application closed: the session ends and the file is
	 * moved to the backup path; opening the configuration again starts from a fresh download.</li>
	 * <li>{@link ErrorAction#DELETE_DATABASE}: the handle is closed, the session
	 * {@link SyncSessionState#INVALID} and the local file deleted.</li>
	 * </ul>
	 * An action that is never run this way runs when the next manager on the same base directory
	 * starts, before any file is opened (a file reset in place is no longer recorded). Running a
	 * token twice does nothing the second time. A client reset token that is no longer the one its
	 * session waits for (the session ended, for example by a log-out, and the database was opened
	 * again since: the new session waits for a reset with a token of its own, or for none) does
	 * nothing to the file and is no longer recorded. May be called from an error handler.
	 * @throws IllegalArgumentException if {@code token} is null or was not issued by this manager
	 * @throws IllegalStateException once closed, or if the manager closes before a reset in place ran
	 * (nothing changed then), or if that reset did not end within an hour
	 * @throws java.io.UncheckedIOException if the file cannot be backed up, moved or deleted (nothing
	 * changed then, and a backup written before the failure is deleted again; the token may be run
	 * again)
	 */
	void immediatelyHandleError(ErrorActionToken token);

	/** Closes everything; idempotent. See the type's description. */
	@Override
	void close();

}
