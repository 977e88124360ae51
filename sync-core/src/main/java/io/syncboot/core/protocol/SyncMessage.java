package io.syncboot.core.protocol;

import java.util.List;

import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.JsonValues;
import io.syncboot.core.model.Names;
import io.syncboot.core.model.ServerChangeset;

/**
 * One protocol message. Every session-level message names the session id the client chose when it
 * bound (one WebSocket carries many sessions). The flow is described in {@code docs/protocol.md}.
 * All records are immutable and validate their fields, throwing {@link ProtocolException}.
 */
public sealed interface SyncMessage permits SyncMessage.Bind, SyncMessage.Ident, SyncMessage.Upload,
		SyncMessage.Download, SyncMessage.Mark, SyncMessage.Unbind, SyncMessage.Error, SyncMessage.Ping,
		SyncMessage.Pong {

	/** Client to server: open session {@code session} on a partition. */
	record Bind(long session, String partition, boolean needClientFileId) implements SyncMessage {
		public Bind {
			requireSession(session);
			try {
				Names.partition(partition);
			}
			catch (IllegalArgumentException ex) {
				throw new ProtocolException(ErrorCode.BAD_PARTITION, ex.getMessage());
			}
		}
	}

	/**
	 * Server to client: the allocated client file id and its salt (only when the bind asked for one;
	 * its cursor and cursor salt are then 0). Client to server: the client file, its salt, its
	 * download cursor with that cursor's salt, and the salt of the server history it follows; the
	 * server answers with downloads from the cursor, or with a client-reset error if the history at
	 * the cursor is not the one the client downloaded.
	 * @param downloadServerVersionSalt the {@link Download#serverVersionSalt()} that came with the
	 * download that moved the cursor to {@code downloadServerVersion}; 0 if unknown (a file that
	 * never stored one), which the server does not check; must be 0 when the cursor is 0
	 */
	record Ident(long session, long clientFileId, long fileSalt, long downloadServerVersion,
			long downloadServerVersionSalt, long serverSalt) implements SyncMessage {
		public Ident {
			requireSession(session);
			requirePositive("clientFileId", clientFileId);
			requireNonNegative("downloadServerVersion", downloadServerVersion);
			requireNoSaltWithoutVersion("downloadServerVersionSalt", downloadServerVersionSalt, downloadServerVersion);
		}
	}

	/** Client to server: local changesets in increasing client version order. */
	record Upload(long session, List<Changeset> changesets) implements SyncMessage {
		public Upload {
			requireSession(session);
			changesets = List.copyOf(changesets);
			long previous = 0;
			for (Changeset changeset : changesets) {
				if (changeset.clientVersion() <= previous) {
					throw new ProtocolException(ErrorCode.BAD_CLIENT_VERSION, "client versions must increase, "
							+ changeset.clientVersion() + " follows " + previous);
				}
				previous = changeset.clientVersion();
			}
		}
	}

	/**
	 * Server to client: server changesets after the client's cursor, or a batch of the partition's
	 * snapshot during bootstrap, with the new cursor.
	 * @param serverVersion the download cursor once this message is applied
	 * @param serverVersionSalt the identity of the partition's history entry at {@code serverVersion}
	 * (a 64-bit value the server derives from that entry); the client stores it with its cursor and
	 * sends it back in its {@link Ident}, so that a server whose history at that version is another
	 * one (restored from an older copy, then written) is detected. 0 if the server does not know it
	 * (no entry: {@code serverVersion} 0, or the entry was compacted away); 0 when {@code serverVersion} is 0
	 * @param uploadAck the greatest client version this session uploaded that the server has
	 * integrated durably (or found integrated as sent); the client trims its outbox up to it
	 * @param remainingBytes the server's estimate of the bytes still to download after this message
	 * @param changesets server changesets in increasing server version order
	 * @param documents snapshot document states (bootstrap only)
	 * @param lastIntegratedClientVersion in the first download after an {@code ident} and in the one
	 * just before a {@code CLIENT_FILE_EXPIRED}: the greatest client version of the client file the
	 * server has integrated, from whichever copy of the file; above the last the client committed, it
	 * tells the client that another copy of its file wrote those versions, and a recovering reset keeps
	 * the stamps of the unsynced changesets up to it. 0 in other downloads (and from servers that do
	 * not send it)
	 */
	record Download(long session, long serverVersion, long serverVersionSalt, long uploadAck, long remainingBytes,
			List<ServerChangeset> changesets, List<DocumentState> documents, long lastIntegratedClientVersion)
			implements SyncMessage {
		public Download {
			requireSession(session);
			requireNonNegative("serverVersion", serverVersion);
			requireNoSaltWithoutVersion("serverVersionSalt", serverVersionSalt, serverVersion);
			requireNonNegative("uploadAck", uploadAck);
			requireNonNegative("lastIntegratedClientVersion", lastIntegratedClientVersion);
			requireNonNegative("remainingBytes", remainingBytes);
			changesets = List.copyOf(changesets);
			documents = List.copyOf(documents);
			long previous = 0;
			for (ServerChangeset changeset : changesets) {
				if (changeset.serverVersion() <= previous || changeset.serverVersion() > serverVersion) {
					throw new ProtocolException(ErrorCode.BAD_SERVER_VERSION, "server version "
							+ changeset.serverVersion() + " out of order or beyond the cursor " + serverVersion);
				}
				previous = changeset.serverVersion();
			}
		}

		/** A download that does not follow an {@code ident} ({@code lastIntegratedClientVersion} 0). */
		public Download(long session, long serverVersion, long serverVersionSalt, long uploadAck, long remainingBytes,
				List<ServerChangeset> changesets, List<DocumentState> documents) {
			this(session, serverVersion, serverVersionSalt, uploadAck, remainingBytes, changesets, documents, 0);
		}
	}

	/** Both ways: download-completion round trip; the server echoes it once it sent everything it had. */
	record Mark(long session, long requestId) implements SyncMessage {
		public Mark {
			requireSession(session);
			requireNonNegative("requestId", requestId);
		}
	}

	/** Both ways: end a session (the server echoes it when the session is released). */
	record Unbind(long session) implements SyncMessage {
		public Unbind {
			requireSession(session);
		}
	}

	/**
	 * Both ways: an error. {@code session} 0 concerns the whole connection.
	 * @param backoffMillis a hint for the reconnect delay, 0 for none
	 * @param documents the documents concerned (for example the ones a rejected write reverted),
	 * as {@code collection/id}
	 */
	record Error(long session, ErrorCode code, String message, boolean tryAgain, long backoffMillis,
			List<String> documents) implements SyncMessage {
		public Error {
			requireNonNegative("session", session);
			requireNonNegative("backoffMillis", backoffMillis);
			if (code == null || message == null) {
				throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "error needs a code and a message");
			}
			// it may quote what a peer sent: text that cannot be encoded as UTF-8 would fail the send
			message = JsonValues.replacingUnpairedSurrogates(message);
			documents = List.copyOf(documents);
		}

		/** An error without backoff hint or documents. */
		public Error(long session, ErrorCode code, String message) {
			this(session, code, message, !code.isFatal(), 0, List.of());
		}

		/** The action this error asks of the client. */
		public ProtocolAction action() {
			return this.code.action();
		}
	}

	/** Client to server: keepalive. */
	record Ping(long timestamp) implements SyncMessage {
	}

	/** Server to client: the answer to a {@link Ping}, echoing its timestamp. */
	record Pong(long timestamp) implements SyncMessage {
	}

	/** The session id this message belongs to, or 0 for connection-level messages. */
	default long sessionId() {
		if (this instanceof Bind m) {
			return m.session();
		}
		if (this instanceof Ident m) {
			return m.session();
		}
		if (this instanceof Upload m) {
			return m.session();
		}
		if (this instanceof Download m) {
			return m.session();
		}
		if (this instanceof Mark m) {
			return m.session();
		}
		if (this instanceof Unbind m) {
			return m.session();
		}
		if (this instanceof Error m) {
			return m.session();
		}
		return 0;
	}

	private static void requireSession(long session) {
		if (session < 1) {
			throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "session id must be >= 1, was " + session);
		}
	}

	private static void requirePositive(String name, long value) {
		if (value < 1) {
			throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, name + " must be >= 1, was " + value);
		}
	}

	private static void requireNoSaltWithoutVersion(String name, long salt, long version) {
		if (version == 0 && salt != 0) {
			throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, name + " must be 0 at server version 0, was " + salt);
		}
	}

	private static void requireNonNegative(String name, long value) {
		if (value < 0) {
			throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, name + " must be >= 0, was " + value);
		}
	}

}
