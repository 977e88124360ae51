package io.syncboot.server.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.syncboot.server.store.HistoryStore;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on {@link PostgresDialect#CHANNEL} on a connection of its own, on a thread of
 * its own, and passes the commits of other nodes on. Notifications are
 * hints: after (re)connecting, and every {@value #CATCH_UP_MILLIS} ms, the listener is asked to
 * {@linkplain HistoryStore.CommitListener#catchUp() catch up} by query, so a lost connection or a
 * missed notification delays a change but never loses it. A lost connection is reopened after a
 * short pause. Thread-safe.
 */
final class PostgresCommitListener implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(PostgresCommitListener.class);

	/** The application name of the listening connection ({@code pg_stat_activity}). */
	static final String APPLICATION_NAME = "syncboot-listener";

	static final long CATCH_UP_MILLIS = 5_000;

	private static final long RECONNECT_MILLIS = 250;

	private final DataSource dataSource;

	private final HistoryStore.CommitListener listener;

	private final Thread thread;

	private volatile boolean closed;

	private PostgresCommitListener(DataSource dataSource, HistoryStore.CommitListener listener,
			ThreadFactory threads) {
		this.dataSource = dataSource;
		this.listener = listener;
		this.thread = threads.newThread(this::run);
	}

	static PostgresCommitListener start(DataSource dataSource, HistoryStore.CommitListener listener,
			ThreadFactory threads) {
		PostgresCommitListener started = new PostgresCommitListener(dataSource, listener, threads);
		started.thread.start();
		return started;
	}

	private void run() {
		while (!this.closed) {
			try (Connection listening = this.dataSource.getConnection()) {
				try (Statement statement = listening.createStatement()) {
					statement.execute("SET application_name = '" + APPLICATION_NAME + "'");
					statement.execute("LISTEN " + PostgresDialect.CHANNEL);
				}
				PGConnection pg = listening.unwrap(PGConnection.class);
				logger.debug("Listening for the commits of other nodes");
				catchUp();
				long nextCatchUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CATCH_UP_MILLIS);
				while (!this.closed) {
					PGNotification[] notifications = pg.getNotifications(500);
					if (notifications != null) {
						for (PGNotification notification : notifications) {
							deliver(notification.getParameter());
						}
					}
					if (System.nanoTime() - nextCatchUp >= 0) {
						catchUp();
						nextCatchUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CATCH_UP_MILLIS);
					}
				}
			}
			catch (SQLException | RuntimeException ex) {
				if (!this.closed) {
					logger.warn("The connection listening for other nodes' commits failed ({}); reconnecting",
							ex.toString());
					pause();
				}
			}
		}
	}

	private void deliver(String payload) {
		int colon = payload.indexOf(':');
		if (colon <= 0) {
			return;
		}
		try {
			this.listener.committed(payload.substring(colon + 1), Long.parseLong(payload.substring(0, colon)));
		}
		catch (RuntimeException ex) {
			logger.warn("A commit notification could not be handled: {}", ex.toString());
		}
	}

	private void catchUp() {
		try {
			this.listener.catchUp();
		}
		catch (RuntimeException ex) {
			logger.warn("Catching up with other nodes' commits failed: {}", ex.toString());
		}
	}

	private synchronized void pause() {
		try {
			if (!this.closed) {
				wait(RECONNECT_MILLIS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.closed = true;
		}
	}

	@Override
	public void close() {
		synchronized (this) {
			this.closed = true;
			notifyAll();
		}
		this.thread.interrupt();
		try {
			this.thread.join(2_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
