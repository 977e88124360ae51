package io.syncboot.client.internal.concurrent;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of daemon threads ({@code syncboot-<role>-N}) that grows on demand, for callbacks that may
 * block (progress listeners), each user of it running its tasks in order on a
 * {@link #newSerialExecutor() serial executor}. Thread-safe. After {@link #shutdown()} tasks are
 * dropped; tasks already running finish on their own.
 */
public final class CallbackPool {

	private static final Logger logger = LoggerFactory.getLogger(CallbackPool.class);

	private final ExecutorService threads;

	public CallbackPool(String role) {
		this.threads = Executors.newCachedThreadPool(new SyncThreadFactory(role));
	}

	/** An executor that runs its tasks one at a time, in order, on this pool. */
	public Executor newSerialExecutor() {
		return new SerialExecutor(this::execute);
	}

	/** Stops accepting tasks; does not wait for running ones (a callback may block). */
	public void shutdown() {
		this.threads.shutdown();
	}

	private void execute(Runnable task) {
		try {
			this.threads.execute(task);
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Dropped a callback posted after shutdown");
		}
	}

}
