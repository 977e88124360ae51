package io.syncboot.server.internal.transport;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * One connection's outbound queue: messages are sent in order, one at a time, with non-blocking
 * sends ({@code getAsyncRemote().sendText}) when the container offers a JSR-356 session (a blocking
 * send on a worker thread otherwise). The queue is bounded by a hard limit; below the flow-control
 * limit the owner may read more. Thread-safe: {@link #offer} from the serial queue, completions from
 * container threads.
 */
final class Outbound {

	private final WebSocketSession session;

	private final @Nullable Session nativeSession;

	private final Executor workers;

	private final long limitBytes;

	private final long hardLimitBytes;

	private final Runnable onDrained;

	private final Consumer<Throwable> onFailure;

	private final ArrayDeque<String> queue = new ArrayDeque<>(); // guarded by this

	private long queuedBytes; // guarded by this: queued plus in flight, in chars

	private boolean inFlight; // guarded by this

	private long sendStartedNanos; // guarded by this

	private boolean aborted; // guarded by this

	private @Nullable Runnable whenEmpty; // guarded by this

	Outbound(WebSocketSession session, Executor workers, long limitBytes, long hardLimitBytes, Runnable onDrained,
			Consumer<Throwable> onFailure) {
		this.session = session;
		this.nativeSession = nativeSession(session);
		this.workers = workers;
		this.limitBytes = limitBytes;
		this.hardLimitBytes = hardLimitBytes;
		this.onDrained = onDrained;
		this.onFailure = onFailure;
	}

	private static @Nullable Session nativeSession(WebSocketSession session) {
		try {
			return (session instanceof NativeWebSocketSession nativeCapable)
					? nativeCapable.getNativeSession(Session.class) : null;
		}
		catch (RuntimeException | LinkageError ex) {
			return null;
		}
	}

	/** The JSR-356 session, when the container offers one. */
	@Nullable Session nativeSession() {
		return this.nativeSession;
	}

	/**
	 * Queues a message.
	 * @return {@code false} if it would exceed the hard limit (the message is dropped and the caller
	 * closes the connection)
	 */
	boolean offer(String text) {
		synchronized (this) {
			if (this.aborted) {
				return true;
			}
			if (this.queuedBytes > 0 && this.queuedBytes + text.length() > this.hardLimitBytes) {
				return false;
			}
			this.queue.add(text);
			this.queuedBytes += text.length();
		}
		flush();
		return true;
	}

	/** Whether the queue is below the flow-control limit. */
	synchronized boolean belowLimit() {
		return this.queuedBytes < this.limitBytes;
	}

	/** Whether a send has been in flight for longer than {@code timeoutNanos}. */
	synchronized boolean isSendOverdue(long nowNanos, long timeoutNanos) {
		return this.inFlight && nowNanos - this.sendStartedNanos > timeoutNanos;
	}

	/** Runs an action once the queue is empty (now if it is). */
	void whenEmpty(Runnable action) {
		synchronized (this) {
			if (this.aborted || (this.queue.isEmpty() && !this.inFlight)) {
				this.whenEmpty = null;
			}
			else {
				this.whenEmpty = action;
				return;
			}
		}
		action.run();
	}

	/** Drops everything queued; nothing more is sent. */
	synchronized void abort() {
		this.aborted = true;
		this.queue.clear();
		this.queuedBytes = 0;
	}

	private void flush() {
		String next;
		synchronized (this) {
			if (this.inFlight || this.aborted || this.queue.isEmpty()) {
				return;
			}
			next = this.queue.poll();
			this.inFlight = true;
			this.sendStartedNanos = System.nanoTime();
		}
		Session target = this.nativeSession;
		if (target != null) {
			try {
				target.getAsyncRemote().sendText(next, result -> sent(next.length(), result));
			}
			catch (RuntimeException ex) {
				sent(next.length(), new SendResult(ex));
			}
		}
		else {
			execute(() -> {
				try {
					this.session.sendMessage(new TextMessage(next));
					sent(next.length(), new SendResult());
				}
				catch (IOException | RuntimeException ex) {
					sent(next.length(), new SendResult(ex));
				}
			});
		}
	}

	private void sent(int length, SendResult result) {
		boolean drained;
		boolean more;
		@Nullable Runnable emptyAction = null;
		synchronized (this) {
			this.inFlight = false;
			long before = this.queuedBytes;
			this.queuedBytes = Math.max(0, this.queuedBytes - length);
			drained = before >= this.limitBytes && this.queuedBytes < this.limitBytes;
			more = !this.queue.isEmpty();
			if (!more && this.whenEmpty != null) {
				emptyAction = this.whenEmpty;
				this.whenEmpty = null;
			}
		}
		if (!result.isOK()) {
			abort();
			this.onFailure.accept(result.getException());
			return;
		}
		if (drained) {
			this.onDrained.run();
		}
		if (emptyAction != null) {
			execute(emptyAction);
		}
		// with nothing queued no worker is woken: the next offer sends itself (inFlight is clear)
		if (more) {
			execute(this::flush);
		}
	}

	private void execute(Runnable task) {
		try {
			this.workers.execute(task);
		}
		catch (RejectedExecutionException ex) {
			abort();
		}
	}

}
