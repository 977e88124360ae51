package io.syncboot.core.protocol;

/**
 * Protocol constants shared by client and server.
 */
public final class SyncProtocol {

	/** The protocol version this build speaks. */
	public static final int VERSION = 1;

	/** The WebSocket sub-protocol name that carries the version. */
	public static final String SUBPROTOCOL = "io.syncboot.sync#" + VERSION;

	/** Default largest message, in bytes (16 MiB). */
	public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

	/**
	 * Room a message keeps for its envelope, in bytes: one changeset's operations, as the server
	 * stores and sends them, take at most the message limit less this (the client refuses a larger
	 * local transaction, the server a larger changeset), so that a download can carry any changeset.
	 */
	public static final int ENVELOPE_BYTES = 4096;

	/**
	 * The largest stored state of one document, in UTF-8 bytes of its JSON: a download carries at
	 * least one whole state, so a larger one could reach no client with the default message limit.
	 * The client refuses a local write that would grow a document past it (or past its own message
	 * limit). The server rejects a changeset that would (concurrent writes of several clients can
	 * merge into a larger document) as it rejects a read-only write: acknowledged, reverted by a
	 * compensating changeset, reported with {@link ErrorCode#WRITE_REJECTED}.
	 */
	public static final int MAX_DOCUMENT_STATE_BYTES = DEFAULT_MAX_MESSAGE_BYTES - ENVELOPE_BYTES;

	/**
	 * How far the milliseconds of an uploaded operation's clock stamp may be ahead of the server's
	 * clock: a century (36,525 days). The server refuses an upload holding a stamp further ahead:
	 * integrated, it would move every downloading client's hybrid logical clock there, and near the
	 * clock's largest value (year 6429; {@link Long#MAX_VALUE} at worst) no client could issue a
	 * greater stamp, so every write to the partition would fail for good. The bound is that wide on
	 * purpose: a device whose date is wrong by a year or a decade keeps syncing (its writes win
	 * last-writer-wins until the other clocks pass them, as in any such system), since its clock,
	 * persisted and never going back, would otherwise keep every later write of its from uploading.
	 */
	public static final long MAX_CLOCK_AHEAD_MILLIS = 36_525L * 24 * 60 * 60 * 1000;

	/** Default target size of one upload or download batch, in bytes. */
	public static final int DEFAULT_BATCH_BYTES = 256 * 1024;

	/** The WebSocket close code for an expired token (the client refreshes and reconnects). */
	public static final int CLOSE_TOKEN_EXPIRED = 4001;

	/** The WebSocket close code for a protocol violation. */
	public static final int CLOSE_PROTOCOL_ERROR = 4002;

	/** The WebSocket close code for a client disconnected because it read too slowly. */
	public static final int CLOSE_SLOW_CONSUMER = 4003;

	/** The WebSocket close code for a server shutting down. */
	public static final int CLOSE_GOING_AWAY = 1001;

	private SyncProtocol() {
	}

}
