package io.syncboot.client;

/**
 * How long a progress notification lasts (see
 * {@link SyncSession#addProgressNotification(ProgressDirection, ProgressMode, ProgressListener)}).
 */
public enum ProgressMode {

	/** Reports every change of progress until the token is invalidated or the session becomes invalid. */
	REPORT_INDEFINITELY,
	/**
	 * Captures the work outstanding at registration, reports until it is transferred, delivers that
	 * final call (with {@link SyncProgress#isTransferComplete()} true) and expires.
	 */
	FOR_CURRENTLY_OUTSTANDING_WORK

}
