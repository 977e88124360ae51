package io.syncboot.client;

/**
 * How a session handles a client reset (the server cannot continue from the local file's history).
 */
public enum ClientResetMode {

	/**
	 * Report the error (fatal, the session becomes {@link SyncSessionState#INVALID}) with an
	 * {@link ErrorActionToken} that moves the local file to {@link SyncError#backupPath()}; open the
	 * database again afterwards to start from a fresh download.
	 */
	MANUAL,
	/** Copy the local file to a backup, forget its unsynced changes and download fresh state. */
	DISCARD_UNSYNCED_CHANGES,
	/** Download fresh state and re-apply the unacknowledged local changes on top. */
	RECOVER_UNSYNCED_CHANGES,
	/** Recover, and discard if recovery fails (the default). */
	RECOVER_OR_DISCARD

}
