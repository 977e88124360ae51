package io.syncboot.client;

/**
 * Receives the progress reports of a session's upload or download. Runs on one of the manager's
 * progress threads ({@code syncboot-progress-N}), never on the network thread; the calls of one
 * session run one at a time, in order. A slow listener delays only the progress reports of its own
 * session, never sync: while it runs, newer reports replace older ones not delivered yet (the
 * final report of a batch is always delivered). An exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface ProgressListener {

	/**
	 * @param progress the progress now
	 */
	void onProgress(SyncProgress progress);

}
