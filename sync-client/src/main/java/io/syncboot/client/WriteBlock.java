package io.syncboot.client;

/**
 * The body of a {@link SyncDatabase#write} transaction. Runs on the calling thread.
 */
@FunctionalInterface
public interface WriteBlock {

	/**
	 * Makes changes through {@code tx}; an exception it throws aborts the whole transaction.
	 * @param tx the transaction
	 */
	void execute(WriteTransaction tx);

}
