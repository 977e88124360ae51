package io.syncboot.autoconfigure.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.syncboot.client.SyncSessionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the configured sessions once the application context has started (after an embedded web
 * server, so a sync server in the same application is already listening) and closes them, in
 * declaration order, when it stops: each database closes under its stop policy, and the stop waits
 * up to {@code sync.shutdown-timeout} for sessions that upload their last changes
 * ({@code AFTER_CHANGES_UPLOADED}). Stops after the web server's graceful shutdown has let the
 * requests in flight finish, and before the web server stops. Once stopped, the sessions do
 * not start again: their databases are closed. Not pauseable: a context pause (the test framework's
 * context cache pauses a cached context while another test class runs) leaves the sessions syncing,
 * as a pause that closed them could not bring them back.
 */
final class SyncSessionsLifecycle implements SmartLifecycle {

	/**
	 * Between the web server's start and stop (DEFAULT_PHASE - 2048) and its graceful shutdown
	 * (- 1024): the sessions start once it listens, and close only after the requests in flight at
	 * shutdown are done (they may use the databases), while the server still runs, so a sync server
	 * in the same application still receives the last uploads over the connections already open.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

	private static final Logger logger = LoggerFactory.getLogger(SyncSessionsLifecycle.class);

	private final SyncSessions sessions;

	private final Duration shutdownTimeout;

	private volatile boolean running;

	private volatile boolean stopped;

	SyncSessionsLifecycle(SyncSessions sessions, Duration shutdownTimeout) {
		this.sessions = sessions;
		this.shutdownTimeout = shutdownTimeout;
	}

	@Override
	public void start() {
		if (this.stopped) {
			logger.debug("Not starting the sync sessions again: their databases closed when they stopped");
			return;
		}
		this.sessions.managed().forEach(ManagedSession::start);
		this.running = true;
	}

	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		this.stopped = true;
		List<CompletableFuture<Void>> stopped = new ArrayList<>();
		for (ManagedSession session : this.sessions.managed()) {
			try {
				stopped.add(session.close());
			}
			catch (RuntimeException ex) {
				logger.warn("Closing sync session '{}' failed", session.name(), ex);
			}
		}
		try {
			CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new))
				.get(this.shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			for (ManagedSession session : this.sessions.managed()) {
				if (session.session().state() == SyncSessionState.DYING) {
					logger.warn("Sync session '{}' did not upload all its changes within the shutdown timeout of {}; "
							+ "they stay in its local outbox and upload on the next start", session.name(),
							this.shutdownTimeout);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			logger.warn("Waiting for the sync sessions to stop failed", ex);
		}
		this.sessions.managed().forEach(ManagedSession::stopListening);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public boolean isPauseable() {
		return false;
	}

}
