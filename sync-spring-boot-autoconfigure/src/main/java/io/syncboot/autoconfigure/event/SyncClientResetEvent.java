package io.syncboot.autoconfigure.event;

import java.nio.file.Path;
import java.util.Optional;

import io.syncboot.client.ClientResetMode;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncSession;

/**
 * Published when the server requires a client reset of a session (an error whose action is
 * {@link io.syncboot.client.ErrorAction#CLIENT_RESET}), in addition to the {@link SyncErrorEvent}.
 * Carries the session's configured {@link ClientResetMode} and the local file's backup path. Published
 * once per reset: when an automatic mode has carried it out (the backup exists), or when it is left to
 * the application ({@code MANUAL}, or an automatic reset that fell back to it: the error is fatal, the
 * session inactive, and the backup is written when the action token runs).
 */
public class SyncClientResetEvent extends SyncEvent {

	private final SyncError error;

	private final ClientResetMode mode;

	public SyncClientResetEvent(SyncSession session, String sessionName, SyncError error, ClientResetMode mode) {
		super(session, sessionName);
		this.error = error;
		this.mode = mode;
	}

	/** The error that required the reset. */
	public SyncError error() {
		return this.error;
	}

	/** The session's client reset mode. */
	public ClientResetMode mode() {
		return this.mode;
	}

	/** Where the local file is backed up (see {@link SyncError#backupPath()}). */
	public Optional<Path> backupPath() {
		return this.error.backupPath();
	}

	@Override
	public String toString() {
		return "SyncClientResetEvent{" + sessionName() + ": " + this.mode + ", " + this.error + "}";
	}

}
