package io.syncboot.server.store;

import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolException;

/**
 * Thrown by {@link HistoryStore#integrate} when an upload re-sends a client version the history holds
 * other operations for: two copies of one client file wrote it. Nothing of the upload is integrated.
 * Its code is {@code DIVERGING_HISTORIES}; {@link #verifiedClientVersion()} is the client version up
 * to which the upload's changesets before the diverging one were found in the history as sent (0 if
 * none; a changeset with no history row to compare with ends the run): the session acknowledges up
 * to it before the error, so that the client's reset does not commit again, with fresh stamps,
 * changes the server has (they would overwrite later writes of others). Immutable.
 */
public final class DivergedUploadException extends ProtocolException {

	private static final long serialVersionUID = 1L;

	private final long verifiedClientVersion;

	public DivergedUploadException(String message, long verifiedClientVersion) {
		super(ErrorCode.DIVERGING_HISTORIES, message);
		if (verifiedClientVersion < 0) {
			throw new IllegalArgumentException("verifiedClientVersion must be >= 0");
		}
		this.verifiedClientVersion = verifiedClientVersion;
	}

	/** The client version up to which the upload was found in the history as sent, 0 if none. */
	public long verifiedClientVersion() {
		return this.verifiedClientVersion;
	}

}
