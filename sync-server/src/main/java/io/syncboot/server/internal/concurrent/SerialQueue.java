package io.syncboot.server.internal.concurrent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor; a task may return a stage
 * (for example a store write on another thread), and the next task starts only once that stage
 * completes. No thread is held while a stage is pending. A task that throws or whose stage fails is
 * logged and does not stop the queue. Thread-safe.
 */
public final class SerialQueue {

	private static final Logger logger = LoggerFactory.getLogger(SerialQueue.class);

	private final Executor executor;

	private CompletableFuture<?> tail = CompletableFuture.completedFuture(null); // guarded by this

	public SerialQueue(Executor executor) {
		this.executor = executor;
	}

	/** Runs a task after every task submitted before it. */
	public void execute(Runnable task) {
		submit(() -> {
			task.run();
			return CompletableFuture.completedFuture(null);
		});
	}

	/** Runs an asynchronous task after every task submitted before it (and their stages) completed. */
	public synchronized void submit(Supplier<? extends CompletionStage<?>> task) {
		this.tail = this.tail.handle((result, ex) -> null).thenComposeAsync(ignored -> run(task), this::dispatch);
	}

	private void dispatch(Runnable runnable) {
		try {
			this.executor.execute(runnable);
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Task dropped: the executor is shut down");
		}
	}

	private static CompletionStage<?> run(Supplier<? extends CompletionStage<?>> task) {
		try {
			return task.get().exceptionally(ex -> {
				logger.error("Serial task failed", ex);
				return null;
			});
		}
		catch (RuntimeException | Error ex) {
			logger.error("Serial task failed", ex);
			return CompletableFuture.completedFuture(null);
		}
	}

}
