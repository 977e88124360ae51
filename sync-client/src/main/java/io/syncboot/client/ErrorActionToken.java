package io.syncboot.client;

/**
 * An opaque handle to the action a fatal {@link SyncError} requires (for example, resetting the
 * local file). Obtained from {@link SyncError#actionToken()}; it has no methods of its own.
 */
public interface ErrorActionToken {

}
