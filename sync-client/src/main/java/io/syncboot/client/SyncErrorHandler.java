package io.syncboot.client;

/**
 * Receives the errors a {@link SyncSession} reports: fatal ones (the session became
 * {@link SyncSessionState#INVALID}) and warnings. Transient errors (a dropped connection) are not
 * reported; watch {@link SyncSession#addConnectionStateListener} for those.
 *
 * <p>Runs on the manager's notification thread. An exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface SyncErrorHandler {

	/**
	 * Handles one error.
	 * @param session the session that hit the error
	 * @param error the error
	 */
	void handleError(SyncSession session, SyncError error);

}
