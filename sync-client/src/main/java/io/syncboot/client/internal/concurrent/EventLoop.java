package io.syncboot.client.internal.concurrent;

import java.time.Duration;
import java.util.concurrent.Delayed;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread that runs posted tasks in order, each to completion, and one-shot timers that
 * can be cancelled. Used for the engine's event loop ({@code syncboot-loop-N}), its store thread
 * and its notification thread. A task that throws is logged; the thread goes on. Tasks posted
 * after {@link #shutdown} are dropped silently.
 */
public final class EventLoop {

	private static final Logger logger = LoggerFactory.getLogger(EventLoop.class);

	private final ScheduledThreadPoolExecutor executor;

	private volatile Thread thread;

	public EventLoop(String role) {
		SyncThreadFactory factory = new SyncThreadFactory(role);
		this.executor = new ScheduledThreadPoolExecutor(1, task -> {
			Thread created = factory.newThread(task);
			this.thread = created;
			return created;
		});
		this.executor.setRemoveOnCancelPolicy(true);
		this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.executor.prestartCoreThread();
	}

	/**
	 * Runs {@code task} on the loop after every task posted before it.
	 * @return {@code false} if the loop is shut down and the task was dropped
	 */
	public boolean post(Runnable task) {
		try {
			this.executor.execute(() -> runSafely(task));
			return true;
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Dropped a task posted after shutdown");
			return false;
		}
	}

	/** Runs {@code task} on the loop after {@code delay}, unless cancelled first. */
	public Cancellable schedule(Duration delay, Runnable task) {
		try {
			ScheduledFuture<?> future = this.executor.schedule(() -> runSafely(task), Math.max(0, delay.toNanos()),
					TimeUnit.NANOSECONDS);
			return () -> future.cancel(false);
		}
		catch (RejectedExecutionException ex) {
			return Cancellable.NONE;
		}
	}

	/** Submits a task whose completion the caller may wait for (never from the loop itself). */
	public Future<?> submit(Runnable task) {
		return this.executor.submit(() -> runSafely(task));
	}

	/**
	 * Whether a task other than the current one is due now (posted, or a timer that expired): long
	 * work done in steps may go on in the current task while this is false, and post its next step
	 * otherwise, letting the others run first. Any thread; a moment's answer.
	 */
	public boolean hasTaskDue() {
		Runnable head = this.executor.getQueue().peek();
		return head instanceof Delayed due && due.getDelay(TimeUnit.NANOSECONDS) <= 0;
	}

	/** How many tasks wait to run (posted or scheduled, not the current one). Any thread; a moment's answer. */
	public int queuedTasks() {
		return this.executor.getQueue().size();
	}

	/** Whether the current thread is this loop's thread. */
	public boolean inLoop() {
		return Thread.currentThread() == this.thread;
	}

	/** Fails fast when a loop-only method runs elsewhere. */
	public void assertInLoop() {
		if (!inLoop()) {
			throw new IllegalStateException("must run on " + this.thread.getName() + ", ran on "
					+ Thread.currentThread().getName());
		}
	}

	/** Whether {@link #shutdown} was called. */
	public boolean isShutdown() {
		return this.executor.isShutdown();
	}

	/**
	 * Runs the tasks already posted (not the pending timers), then stops the thread; waits up to
	 * {@code timeout} unless called from the loop itself.
	 */
	public void shutdown(Duration timeout) {
		this.executor.shutdown();
		if (inLoop()) {
			return;
		}
		try {
			if (!this.executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("{} did not stop within {}", this.thread.getName(), timeout);
				this.executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.executor.shutdownNow();
		}
	}

	private static void runSafely(Runnable task) {
		try {
			task.run();
		}
		catch (Throwable ex) {
			logger.error("Task failed on {}", Thread.currentThread().getName(), ex);
		}
	}

}
