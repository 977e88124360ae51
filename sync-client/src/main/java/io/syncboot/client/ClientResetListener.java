package io.syncboot.client;

/**
 * Called around an automatic client reset ({@link ClientResetMode#DISCARD_UNSYNCED_CHANGES},
 * {@link ClientResetMode#RECOVER_UNSYNCED_CHANGES}, {@link ClientResetMode#RECOVER_OR_DISCARD}),
 * registered with {@link SyncConfiguration.Builder#beforeClientReset(ClientResetListener)} and
 * {@link SyncConfiguration.Builder#afterClientReset(ClientResetListener)}. Runs on the manager's
 * notification thread ({@code syncboot-notify-N}); an exception is logged.
 */
@FunctionalInterface
public interface ClientResetListener {

	/**
	 * @param session the session that was reset
	 * @param before the local state before the reset (with the unsynced changes)
	 * @param after for the before-callback the same as {@code before}; for the after-callback the
	 * state once the fresh download from the server is applied and, when recovering, the unsynced
	 * changes re-applied on top
	 */
	void onClientReset(SyncSession session, DatabaseSnapshot before, DatabaseSnapshot after);

}
