package io.syncboot.server.internal.concurrent;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's threads: a bounded worker pool ({@code syncboot-server-worker-n}) that runs every
 * connection's serial queue and the store reads; one writer thread ({@code syncboot-server-writer-1})
 * for store writes, in submission order; one timer ({@code syncboot-server-timer-1}). All daemon.
 * Thread-safe.
 */
public final class ServerExecutors implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ServerExecutors.class);

	private final ThreadPoolExecutor workers;

	private final ExecutorService writer;

	private final ScheduledExecutorService timer;

	public ServerExecutors(int workerThreads) {
		if (workerThreads < 1) {
			throw new IllegalArgumentException("workerThreads must be >= 1, was " + workerThreads);
		}
		this.workers = new ThreadPoolExecutor(workerThreads, workerThreads, 60, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), new NamedThreadFactory("worker"));
		this.writer = Executors.newSingleThreadExecutor(new NamedThreadFactory("writer"));
		ScheduledThreadPoolExecutor scheduled = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("timer"));
		scheduled.setRemoveOnCancelPolicy(true);
		this.timer = scheduled;
	}

	/** The worker pool. */
	public ExecutorService workers() {
		return this.workers;
	}

	/** The timer. */
	public ScheduledExecutorService timer() {
		return this.timer;
	}

	/** The writer thread, for store writes in submission order. */
	public Executor writer() {
		return this.writer;
	}

	/** Runs a store write on the writer thread. */
	public <T> CompletableFuture<T> write(Supplier<T> work) {
		return CompletableFuture.supplyAsync(work, this.writer);
	}

	/**
	 * Stops the timer, lets the writer finish every write already submitted (waiting up to
	 * {@code drainTimeout}), then stops the workers.
	 */
	public void shutdown(Duration drainTimeout) {
		this.timer.shutdownNow();
		this.writer.shutdown();
		awaitTermination(this.writer, "writer", drainTimeout);
		this.workers.shutdown();
		awaitTermination(this.workers, "worker", Duration.ofSeconds(5));
		this.workers.shutdownNow();
	}

	private static void awaitTermination(ExecutorService executor, String role, Duration timeout) {
		try {
			if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("The {} threads did not finish within {}", role, timeout);
				executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			executor.shutdownNow();
		}
	}

	@Override
	public void close() {
		shutdown(Duration.ofSeconds(30));
	}

}
