package io.syncboot.autoconfigure.client;

import io.syncboot.client.SyncError;
import io.syncboot.client.SyncErrorHandler;
import io.syncboot.client.SyncSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SyncErrorHandler} bean used when the application defines none: it logs each error at
 * a level that matches what it asks of the application (ERROR for errors that ended the session or
 * need the application to act, WARN for warnings and client resets, INFO for the rest). The
 * {@link io.syncboot.autoconfigure.event.SyncErrorEvent} is published before any handler runs.
 *
 * <p>An application's own handler may delegate to an instance of this class to keep the logging.
 * Called on the manager's notification thread.
 */
public final class LoggingSyncErrorHandler implements SyncErrorHandler {

	private static final Logger logger = LoggerFactory.getLogger(LoggingSyncErrorHandler.class);

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
	}

}
