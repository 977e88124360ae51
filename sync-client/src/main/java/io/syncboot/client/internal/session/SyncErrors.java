package io.syncboot.client.internal.session;

import io.syncboot.client.ErrorAction;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncErrorHandler;
import io.syncboot.client.SyncSession;
import io.syncboot.core.protocol.SyncMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns protocol errors into the {@link SyncError}s reported to applications.
 */
final class SyncErrors {

	private SyncErrors() {
	}

	private static final Logger logger = LoggerFactory.getLogger(SyncErrors.class);

	/** Hands an error to the configured handler on the notification thread, or logs it without one. */
	static void report(EngineContext engine, @Nullable SyncErrorHandler handler, SyncSession session, SyncError error) {
		if (handler == null) {
			logger.warn("Sync error on {} (no error handler configured): {}", session, error);
			return;
		}
		engine.notifier().post(() -> handler.handleError(session, error));
	}

	static SyncError of(SyncMessage.Error error, boolean fatal) {
		return new SyncError(error.code().number(), error.message(), fatal, ErrorAction.valueOf(error.action().name()),
				null, null, error.documents());
	}

}
