package io.syncboot.client;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * An error a {@link SyncSession} reports to its {@link SyncErrorHandler}. Immutable.
 */
public final class SyncError {

	private final int code;

	private final String message;

	private final boolean fatal;

	private final ErrorAction action;

	private final @Nullable ErrorActionToken actionToken;

	private final @Nullable Path backupPath;

	private final List<String> documents;

	/**
	 * Creates an error.
	 * @param code the protocol error code (see {@code io.syncboot.core.protocol.ErrorCode})
	 * @param message a human-readable description
	 * @param fatal whether the session cannot go on until the action is taken (see {@link #isFatal()})
	 * @param action what the error asks of the client
	 * @param actionToken the handle to the required action, if any
	 * @param backupPath where a client reset backs the local file up, if it does
	 * @throws IllegalArgumentException if {@code message} or {@code action} is null
	 */
	public SyncError(int code, String message, boolean fatal, ErrorAction action,
			@Nullable ErrorActionToken actionToken, @Nullable Path backupPath) {
		this(code, message, fatal, action, actionToken, backupPath, List.of());
	}

	/**
	 * Creates an error that concerns documents.
	 * @param documents the documents concerned, as {@code collection/id}
	 * @throws IllegalArgumentException if {@code message}, {@code action} or {@code documents} is null
	 * @see #SyncError(int, String, boolean, ErrorAction, ErrorActionToken, Path)
	 */
	public SyncError(int code, String message, boolean fatal, ErrorAction action,
			@Nullable ErrorActionToken actionToken, @Nullable Path backupPath, List<String> documents) {
		this.documents = List.copyOf(Arguments.notNull(documents, "documents"));
		this.code = code;
		this.message = Arguments.notNull(message, "message");
		this.fatal = fatal;
		this.action = Arguments.notNull(action, "action");
		this.actionToken = actionToken;
		this.backupPath = backupPath;
	}

	/** The protocol error code (for example 211 for diverging histories). */
	public int code() {
		return this.code;
	}

	/** A human-readable description. */
	public String message() {
		return this.message;
	}

	/**
	 * Whether the session stopped because of it and cannot go on until the error's action is taken:
	 * {@link SyncSessionState#INVALID} for an error no action repairs (a protocol violation,
	 * permission denied, the user logged out), {@link SyncSessionState#INACTIVE} for a client reset
	 * left to the application, which its {@link #actionToken()} repairs. A non-fatal error leaves the
	 * session syncing (a warning, or a client reset that an automatic mode already carried out).
	 */
	public boolean isFatal() {
		return this.fatal;
	}

	/** What the error asks of the client. */
	public ErrorAction action() {
		return this.action;
	}

	/** The handle to the action the error requires, if it requires one. */
	public Optional<ErrorActionToken> actionToken() {
		return Optional.ofNullable(this.actionToken);
	}

	/**
	 * Where a client reset backs the local file up: already written when an automatic mode reported
	 * the reset; written when the {@link #actionToken()} runs (or the next manager starts) when the
	 * reset is left to the application. Empty for other errors.
	 */
	public Optional<Path> backupPath() {
		return Optional.ofNullable(this.backupPath);
	}

	/**
	 * The documents the error concerns, as {@code collection/id}: for {@code WRITE_REJECTED} (233),
	 * the documents whose local changes the server refused and reverted. Empty for most errors.
	 */
	public List<String> documents() {
		return this.documents;
	}

	@Override
	public String toString() {
		return "SyncError{code=" + this.code + ", action=" + this.action + ", fatal=" + this.fatal + ", message='"
				+ this.message + "'}";
	}

}
