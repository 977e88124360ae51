package io.syncboot.client.internal.store;

/**
 * A local database failure (I/O, corruption, a full disk). Unchecked; the transaction that hit it
 * was rolled back.
 */
public class StoreException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public StoreException(String message, Throwable cause) {
		super(message, cause);
	}

}
