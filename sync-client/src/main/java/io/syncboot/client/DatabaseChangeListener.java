package io.syncboot.client;

/**
 * Called after a {@link SyncDatabase} changed: once per local write transaction and once per
 * applied download that changed documents. Runs on the manager's notification thread, in commit
 * order; an exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface DatabaseChangeListener {

	/**
	 * @param change the documents that changed
	 */
	void onChange(DatabaseChange change);

}
