package io.syncboot.client;

/**
 * An opaque handle to the action a fatal {@link SyncError} requires: backing the local file up to
 * its backup path and starting afresh (a client reset in {@link ClientResetMode#MANUAL}, or an
 * automatic reset that fell back to it) or deleting it ({@link ErrorAction#DELETE_DATABASE}). Obtained from
 * {@link SyncError#actionToken()} and run with {@link SyncManager#immediatelyHandleError}; a token
 * never run is run when the next manager on the same base directory starts. It has no methods of
 * its own.
 */
public interface ErrorActionToken {

}
