package io.syncboot.client.internal.concurrent;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a backing executor; a task that throws is
 * logged and the next one runs. Thread-safe.
 */
final class SerialExecutor implements Executor {

	private static final Logger logger = LoggerFactory.getLogger(SerialExecutor.class);

	private final Executor backing;

	private final Queue<Runnable> tasks = new ArrayDeque<>(); // guarded by this

	private @Nullable Runnable active; // guarded by this

	SerialExecutor(Executor backing) {
		this.backing = backing;
	}

	@Override
	public synchronized void execute(Runnable task) {
		this.tasks.add(() -> {
			try {
				task.run();
			}
			catch (Throwable ex) {
				logger.error("A callback failed", ex);
			}
			finally {
				scheduleNext();
			}
		});
		if (this.active == null) {
			scheduleNext();
		}
	}

	private synchronized void scheduleNext() {
		this.active = this.tasks.poll();
		if (this.active != null) {
			this.backing.execute(this.active);
		}
	}

}
