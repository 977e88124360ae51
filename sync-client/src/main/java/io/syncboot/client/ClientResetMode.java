package io.syncboot.client;

/**
 * How a session handles a client reset (the server cannot continue from the local file's history).
 */
public enum ClientResetMode {

	/**
	 * Report the error (fatal: the session becomes {@link SyncSessionState#INACTIVE} and stays so
	 * until the action runs) with an {@link ErrorActionToken}. The database handle stays open for
	 * reads, and local writes still commit, locally only (they end up in the backup); pending waits
	 * fail. {@link SyncManager#immediatelyHandleError} with the token, the database open, writes a
	 * consistent copy of the local file to {@link SyncError#backupPath()}, empties the file and makes
	 * the same session active again: it downloads the server's state afresh, through the same
	 * {@link SyncDatabase} and listeners. With the database closed, the token moves the file to the
	 * backup path and the next open downloads afresh. A token never run moves the file when the next
	 * manager on the base directory starts.
	 */
	MANUAL,
	/**
	 * Copy the local file to a backup, forget its unsynced changes and download fresh state. Upload
	 * waits pending for the forgotten changes fail.
	 */
	DISCARD_UNSYNCED_CHANGES,
	/** Download fresh state and re-apply the unacknowledged local changes on top. */
	RECOVER_UNSYNCED_CHANGES,
	/** Recover, and discard if recovery fails (the default). */
	RECOVER_OR_DISCARD

}
