package io.syncboot.client;

/**
 * A listener registration. {@link #close()} removes the listener; calling it again does nothing.
 * Safe to call from any thread, also from inside the listener.
 */
public interface ListenerToken extends AutoCloseable {

	/** Removes the listener; it is not called after this returns (except a call already running). */
	@Override
	void close();

}
