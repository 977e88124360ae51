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

}
