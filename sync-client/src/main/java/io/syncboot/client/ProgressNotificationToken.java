package io.syncboot.client;

/**
 * A progress notification registration, from
 * {@link SyncSession#addProgressNotification(ProgressDirection, ProgressMode, ProgressListener)}.
 * Thread-safe; safe to call from inside the listener.
 */
public interface ProgressNotificationToken extends AutoCloseable {

	/**
	 * Stops the notification: the listener is not called after this returns (except a call already
	 * running). Calling it again does nothing.
	 */
	void invalidate();

	/** Same as {@link #invalidate()}. */
	@Override
	default void close() {
		invalidate();
	}

}
