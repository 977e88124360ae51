package io.syncboot.client;

/**
 * One progress report of a session's upload or download. Immutable.
 *
 * @param transferredBytes the bytes transferred so far (upload: acknowledged by the server;
 * download: applied locally)
 * @param transferableBytes the bytes to transfer in all (upload: every committed local changeset;
 * download: downloaded plus what the server says remains; for
 * {@link ProgressMode#FOR_CURRENTLY_OUTSTANDING_WORK}, the total captured at registration)
 * @param estimate how far the current batch of work is, in [0, 1]; it never decreases within a
 * batch and is 1.0 once everything transferable is transferred
 */
public record SyncProgress(long transferredBytes, long transferableBytes, double estimate) {

	/**
	 * Checks the values.
	 * @throws IllegalArgumentException if a byte count is negative or the estimate is outside [0, 1]
	 */
	public SyncProgress {
		if (transferredBytes < 0 || transferableBytes < 0) {
			throw new IllegalArgumentException("byte counts must not be negative, were " + transferredBytes + " and "
					+ transferableBytes);
		}
		if (!(estimate >= 0.0 && estimate <= 1.0)) {
			throw new IllegalArgumentException("estimate must be in [0, 1], was " + estimate);
		}
	}

	/** Whether everything transferable is transferred (the estimate is 1.0). */
	public boolean isTransferComplete() {
		return this.estimate >= 1.0;
	}

}
