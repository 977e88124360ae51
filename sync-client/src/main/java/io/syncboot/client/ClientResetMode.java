package io.syncboot.client;

/**
 * How a session handles a client reset (the server cannot continue from the local file's history).
 */
public enum ClientResetMode {

	/** Report the error with an {@link ErrorActionToken}; the application decides. */
	MANUAL,
	/** Move the local file to a backup and download fresh state. */
	DISCARD_UNSYNCED_CHANGES,
	/** Download fresh state and re-apply the unacknowledged local changes on top. */
	RECOVER_UNSYNCED_CHANGES,
	/** Recover, and discard if recovery fails (the default). */
	RECOVER_OR_DISCARD

}
