package io.syncboot.core.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * Every error code of the protocol, its number on the wire, whether it ends the session for good
 * and the action it asks of the client. Codes 100-199 concern the connection, 200-299 a session.
 * See {@code docs/errors.md}.
 */
public enum ErrorCode {

	/** The connection closed or timed out; reconnect. */
	CONNECTION_CLOSED(100, ProtocolAction.TRANSIENT, false),
	/** A message could not be parsed or has wrong fields. */
	MALFORMED_MESSAGE(101, ProtocolAction.PROTOCOL_VIOLATION, true),
	/** A message exceeds the size limit. */
	MESSAGE_TOO_BIG(102, ProtocolAction.PROTOCOL_VIOLATION, true),
	/** A message names a session id that is not bound on this connection. */
	UNKNOWN_SESSION(103, ProtocolAction.PROTOCOL_VIOLATION, true),
	/** The peer speaks an unsupported protocol version. */
	UNSUPPORTED_PROTOCOL(104, ProtocolAction.PROTOCOL_VIOLATION, true),
	/** The server is shutting down; reconnect, possibly to another node. */
	SERVER_SHUTTING_DOWN(105, ProtocolAction.TRANSIENT, false),
	/** The client did not read fast enough and was disconnected; it resumes from its cursor. */
	SLOW_CONSUMER(106, ProtocolAction.TRANSIENT, false),
	/** Too many sessions bound on one connection. */
	TOO_MANY_SESSIONS(107, ProtocolAction.PROTOCOL_VIOLATION, true),
	/** A message arrived in a state that does not allow it (for example an upload before ident). */
	BAD_MESSAGE_ORDER(108, ProtocolAction.PROTOCOL_VIOLATION, true),
	/** An unexpected server fault; the client retries. */
	INTERNAL_ERROR(199, ProtocolAction.TRANSIENT, false),

	/** The partition name breaks the naming rules. */
	BAD_PARTITION(201, ProtocolAction.PROTOCOL_VIOLATION, true),
	/** A session id is bound twice on one connection. */
	SESSION_ALREADY_BOUND(202, ProtocolAction.PROTOCOL_VIOLATION, true),
	/** The server does not know the client file id (its data was wiped or replaced). */
	BAD_CLIENT_FILE_ID(208, ProtocolAction.CLIENT_RESET, true),
	/** The client's download cursor is ahead of the server's history. */
	BAD_SERVER_VERSION(209, ProtocolAction.CLIENT_RESET, true),
	/** An upload's client versions are not increasing. */
	BAD_CLIENT_VERSION(210, ProtocolAction.PROTOCOL_VIOLATION, true),
	/** The salts do not match: the server was restored from an older copy. */
	DIVERGING_HISTORIES(211, ProtocolAction.CLIENT_RESET, true),
	/** The client's cursor is behind the compacted history. */
	CLIENT_FILE_EXPIRED(222, ProtocolAction.CLIENT_RESET, true),
	/** The access token expired; refresh it and reconnect. */
	TOKEN_EXPIRED(230, ProtocolAction.REFRESH_TOKEN, false),
	/** The access token is invalid or the user was revoked. */
	INVALID_TOKEN(231, ProtocolAction.LOG_OUT, true),
	/** No read permission on the partition. */
	PERMISSION_DENIED(232, ProtocolAction.DELETE_DATABASE, true),
	/** A write was rejected and reverted by compensating changes. */
	WRITE_REJECTED(233, ProtocolAction.WARNING, false);

	private static final Map<Integer, ErrorCode> BY_NUMBER = new HashMap<>();

	static {
		for (ErrorCode code : values()) {
			BY_NUMBER.put(code.number, code);
		}
	}

	private final int number;

	private final ProtocolAction action;

	private final boolean fatal;

	ErrorCode(int number, ProtocolAction action, boolean fatal) {
		this.number = number;
		this.action = action;
		this.fatal = fatal;
	}

	/** The number on the wire. */
	public int number() {
		return this.number;
	}

	/** The action this error asks of the client. */
	public ProtocolAction action() {
		return this.action;
	}

	/** Whether the session cannot go on after this error without the action. */
	public boolean isFatal() {
		return this.fatal;
	}

	/** Whether this code concerns the whole connection rather than one session. */
	public boolean isConnectionLevel() {
		return this.number < 200;
	}

	/**
	 * The code with this number.
	 * @throws ProtocolException if there is none
	 */
	public static ErrorCode ofNumber(int number) {
		ErrorCode code = BY_NUMBER.get(number);
		if (code == null) {
			throw new ProtocolException(MALFORMED_MESSAGE, "unknown error code " + number);
		}
		return code;
	}

}
