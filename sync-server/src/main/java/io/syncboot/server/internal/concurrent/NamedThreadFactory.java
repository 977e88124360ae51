package io.syncboot.server.internal.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates daemon threads named {@code syncboot-server-<role>-<n>}; an exception that escapes a task
 * is logged, never silently lost. Thread-safe.
 */
public final class NamedThreadFactory implements ThreadFactory {

	private static final Logger logger = LoggerFactory.getLogger(NamedThreadFactory.class);

	private final String prefix;

	private final AtomicInteger counter = new AtomicInteger();

	public NamedThreadFactory(String role) {
		this.prefix = "syncboot-server-" + role + "-";
	}

	@Override
	public Thread newThread(Runnable task) {
		Thread thread = new Thread(task, this.prefix + this.counter.incrementAndGet());
		thread.setDaemon(true);
		thread.setUncaughtExceptionHandler((t, ex) -> logger.error("Uncaught exception on {}", t.getName(), ex));
		return thread;
	}

}
