package io.syncboot.client.internal.concurrent;

/**
 * A scheduled timer that can be cancelled; cancelling twice or after it ran does nothing.
 */
@FunctionalInterface
public interface Cancellable {

	/** A timer that is never scheduled. */
	Cancellable NONE = () -> {
	};

	void cancel();

}
