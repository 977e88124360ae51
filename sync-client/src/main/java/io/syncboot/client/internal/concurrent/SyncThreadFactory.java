package io.syncboot.client.internal.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names engine threads {@code syncboot-<role>-<n>} and makes them daemons.
 */
public final class SyncThreadFactory implements ThreadFactory {

	private static final AtomicInteger COUNTER = new AtomicInteger();

	private final String role;

	public SyncThreadFactory(String role) {
		this.role = role;
	}

	@Override
	public Thread newThread(Runnable task) {
		Thread thread = new Thread(task, "syncboot-" + this.role + "-" + COUNTER.incrementAndGet());
		thread.setDaemon(true);
		return thread;
	}

}
