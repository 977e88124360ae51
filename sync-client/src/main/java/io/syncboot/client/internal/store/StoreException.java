package io.syncboot.client.internal.store;

import io.syncboot.core.protocol.ProtocolException;

/**
 * A local database failure (I/O, corruption, a full disk). Unchecked; the transaction that hit it
 * was rolled back.
 */
public class StoreException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public StoreException(String message, Throwable cause) {
		super(message, cause);
	}

	/** A stored text ({@code what}: a document state, a body, an outbox entry) that does not decode. */
	static StoreException corrupt(String what, ProtocolException cause) {
		return new StoreException("a stored " + what + " does not decode (the local file is corrupt): "
				+ cause.getMessage(), cause);
	}

}
