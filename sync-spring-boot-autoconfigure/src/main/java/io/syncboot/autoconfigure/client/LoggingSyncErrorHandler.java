package io.syncboot.autoconfigure.client;

import java.util.function.Supplier;

import io.syncboot.client.SyncError;
import io.syncboot.client.SyncErrorHandler;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import org.slf4j.Logger;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The {@link SyncErrorHandler} bean used when the application defines none: it logs each error at
 * a level that matches what it asks of the application (ERROR for errors that ended the session or
 * need the application to act, WARN for warnings and client resets, INFO for the rest). The
 * {@link io.syncboot.autoconfigure.event.SyncErrorEvent} is published before any handler runs.
 *
 * <p>With {@code sync.errors.handle-actions=true} it then carries out the action of every error
 * that comes with an action token ({@link SyncManager#immediatelyHandleError}): a manual client reset
 * backs the file up and the session, open all along, becomes active again on a fresh download, so
 * the {@code SyncDatabase} and {@code SyncSession} beans keep working; permission denied deletes the
 * file. Otherwise the action waits for the next start (a reset session stays inactive until then).
 * A failure to carry it out is logged, never thrown.
 *
 * <p>An application's own handler may delegate to an instance of this class to keep the logging.
 * Called on the manager's notification thread.
 */
public final class LoggingSyncErrorHandler implements SyncErrorHandler {

	private static final Logger logger = LoggerFactory.getLogger(LoggingSyncErrorHandler.class);

	private final @Nullable Supplier<SyncManager> actionHandler;

	/** A handler that only logs. */
	public LoggingSyncErrorHandler() {
		this(null);
	}

	/**
	 * A handler that logs and, when {@code manager} is not {@code null}, carries out the action of
	 * every error that has an action token.
	 * @param manager supplies the manager that handles action tokens, or {@code null} to only log
	 */
	public LoggingSyncErrorHandler(@Nullable Supplier<SyncManager> manager) {
		this.actionHandler = manager;
	}

	@Override
	public void handleError(SyncSession session, SyncError error) {
		String token = error.actionToken().isPresent() ? " (an action token is available)" : "";
		switch (error.action()) {
			case DELETE_DATABASE, LOG_OUT, PROTOCOL_VIOLATION -> logger.error("Sync error on {}: {}{}", session, error,
					token);
			case WARNING, CLIENT_RESET, REFRESH_TOKEN -> logger.warn("Sync error on {}: {}{}", session, error, token);
			default -> {
				if (error.isFatal()) {
					logger.error("Sync error on {}: {}{}", session, error, token);
				}
				else {
					logger.info("Sync error on {}: {}{}", session, error, token);
				}
			}
		}
		if (this.actionHandler != null && error.actionToken().isPresent()) {
			try {
				this.actionHandler.get().immediatelyHandleError(error.actionToken().get());
				logger.info("Carried out {} for {}", error.action(), session);
			}
			catch (RuntimeException ex) {
				logger.error("Could not carry out {} for {}; it runs at the next start", error.action(), session, ex);
			}
		}
	}

}
