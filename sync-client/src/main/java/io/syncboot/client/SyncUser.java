package io.syncboot.client;

/**
 * A user logged in to a {@link SyncManager}: the owner of databases and sessions. Obtained from
 * {@link SyncManager#logIn(SyncCredentials)}; thread-safe.
 */
public interface SyncUser {

	/** The user id: the token's subject, or {@code "anonymous"} for anonymous credentials. */
	String id();

	/** The login state. */
	SyncUserState state();

	/**
	 * Logs the user out: every session of the user becomes {@link SyncSessionState#INVALID} (its
	 * databases stay open for local use). Does nothing if already logged out.
	 */
	void logOut();

	/**
	 * Removes the user from its manager and this device: logs it out, makes every session of the user
	 * {@link SyncSessionState#INVALID}, closes its databases (their handles then throw
	 * {@link IllegalStateException}), deletes its local files (every database of the user under the
	 * manager's base directory, with its client-reset backups) and sets the state to
	 * {@link SyncUserState#REMOVED}. Local changes not uploaded yet are lost. A removed user cannot
	 * open databases ({@link SyncManager#open} throws {@link IllegalStateException}); logging in
	 * again with credentials of the same id gives a new {@code SyncUser} starting from empty files.
	 * Works for a logged-out user too; does nothing if already removed. Blocks until the files are
	 * closed and deleted.
	 * @throws IllegalStateException if the manager is closed
	 * @throws java.io.UncheckedIOException if a file cannot be deleted (the user is removed all the
	 * same; the files left over can be deleted once the error is fixed)
	 */
	void remove();

}
