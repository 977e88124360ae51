package io.syncboot.core.protocol;

/**
 * A peer broke the protocol: the message could not be parsed, was too big, or its content breaks a
 * rule. Carries the {@link ErrorCode} to send back or report. Unchecked.
 */
public class ProtocolException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final ErrorCode code;

	public ProtocolException(ErrorCode code, String message) {
		super(message);
		this.code = code;
	}

	public ProtocolException(ErrorCode code, String message, Throwable cause) {
		super(message, cause);
		this.code = code;
	}

	/** The error code that describes the violation. */
	public ErrorCode code() {
		return this.code;
	}

}
