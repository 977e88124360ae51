package io.syncboot.client.internal.connection;

import java.util.ArrayDeque;
import java.util.function.Consumer;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.jspecify.annotations.Nullable;

/**
 * One socket's outgoing messages, sent in order and one at a time with the container's
 * non-blocking send: the first queued message is written on the calling thread (the event loop:
 * no hand-off to another thread before the bytes reach the socket), the next ones as each send
 * completes (on the container's I/O threads). A send that fails, or does not complete within the
 * send timeout, drops what is queued and reports the failure once. Unbounded, like the event
 * loop's own queue; the protocol bounds what it has in flight. Thread-safe.
 */
final class SendQueue {

	private final RemoteEndpoint.Async remote;

	private final Consumer<Throwable> onFailure;

	private final ArrayDeque<String> queue = new ArrayDeque<>(); // guarded by this

	private boolean inFlight; // guarded by this

	private boolean stopped; // guarded by this

	private @Nullable Runnable whenEmpty; // guarded by this

	/**
	 * @param session the open socket
	 * @param sendTimeoutMillis how long one send may take before it fails
	 * @param onFailure called once, on the thread that saw the failure, when a send failed
	 */
	SendQueue(Session session, long sendTimeoutMillis, Consumer<Throwable> onFailure) {
		this.remote = session.getAsyncRemote();
		this.remote.setSendTimeout(sendTimeoutMillis);
		this.onFailure = onFailure;
	}

	/** Queues a message; it is sent after those queued before it (dropped once stopped). */
	void send(String text) {
		synchronized (this) {
			if (this.stopped) {
				return;
			}
			this.queue.add(text);
		}
		sendNext();
	}

	/**
	 * Runs {@code action} once everything queued now has been sent, or now if nothing is queued or
	 * the queue stopped; later messages are dropped.
	 */
	void stopAfterQueued(Runnable action) {
		synchronized (this) {
			boolean idle = this.queue.isEmpty() && !this.inFlight;
			if (!this.stopped && !idle) {
				this.stopped = true;
				this.whenEmpty = action;
				return;
			}
			this.stopped = true;
			this.queue.clear();
		}
		action.run();
	}

	/** Drops what is queued; nothing more is sent. */
	synchronized void abort() {
		this.stopped = true;
		this.queue.clear();
		this.whenEmpty = null;
	}

	private void sendNext() {
		String next;
		synchronized (this) {
			if (this.inFlight || this.queue.isEmpty()) {
				return;
			}
			next = this.queue.poll();
			this.inFlight = true;
		}
		try {
			this.remote.sendText(next, this::sent);
		}
		catch (RuntimeException ex) {
			sent(new SendResult(ex));
		}
	}

	private void sent(SendResult result) {
		@Nullable Runnable emptyAction = null;
		synchronized (this) {
			this.inFlight = false;
			if (!result.isOK()) {
				this.stopped = true;
				this.queue.clear();
				this.whenEmpty = null;
			}
			else if (this.queue.isEmpty() && this.whenEmpty != null) {
				emptyAction = this.whenEmpty;
				this.whenEmpty = null;
			}
		}
		if (!result.isOK()) {
			this.onFailure.accept(result.getException());
			return;
		}
		if (emptyAction != null) {
			emptyAction.run();
			return;
		}
		sendNext();
	}

}
