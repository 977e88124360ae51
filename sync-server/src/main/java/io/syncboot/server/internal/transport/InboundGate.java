package io.syncboot.server.internal.transport;

import java.util.function.BooleanSupplier;

/**
 * Counts one connection's received but unprocessed bytes; past the limit the connection stops
 * being read (its {@link ServerConnection} suspends reading, or on a container that cannot, the
 * thread that reads waits), so a client that sends faster than the server processes is slowed by
 * TCP instead of filling memory. Thread-safe.
 */
final class InboundGate {

	private final long limitBytes;

	private long pendingBytes; // guarded by this

	private boolean released; // guarded by this

	InboundGate(long limitBytes) {
		this.limitBytes = limitBytes;
	}

	synchronized void add(long bytes) {
		this.pendingBytes += bytes;
	}

	synchronized void remove(long bytes) {
		this.pendingBytes -= bytes;
		notifyAll();
	}

	/** Whether the received bytes waiting to be processed exceed the limit. */
	synchronized boolean isOverLimit() {
		return this.pendingBytes > this.limitBytes;
	}

	/** Whether the received bytes waiting to be processed are at most half the limit. */
	synchronized boolean isAtMostHalfTheLimit() {
		return this.pendingBytes <= this.limitBytes / 2;
	}

	/** Whether no received message waits to be processed. */
	synchronized boolean isEmpty() {
		return this.pendingBytes == 0;
	}

	/** Stops every wait for good (the connection closed). */
	synchronized void release() {
		this.released = true;
		notifyAll();
	}

	/** Waits while the pending bytes exceed the limit, until released or {@code stop} says so. */
	synchronized void awaitBelowLimit(BooleanSupplier stop) {
		while (this.pendingBytes > this.limitBytes && !this.released && !stop.getAsBoolean()) {
			try {
				wait(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
