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
	 * Logs a user in. No network call: the credentials are presented on each connection. Logging in
	 * again with credentials of the same user id returns that user, now with these credentials.
	 * @throws IllegalArgumentException if {@code credentials} is null or its token has no subject
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

	/** Closes everything; idempotent. See the type's description. */
	@Override
	void close();

}
