package io.syncboot.server.store;

import java.util.List;

import io.syncboot.core.model.ServerChangeset;

/**
 * The outcome of one durable {@link HistoryStore#integrate integration}. Immutable.
 *
 * @param integrated the changesets newly integrated, with their server versions (empty when all
 * were already integrated)
 * @param skipped how many changesets were skipped because they had been integrated before
 * @param latestVersion the partition's latest server version after the integration
 * @param uploadAck the greatest client version of the file integrated so far (the acknowledgement)
 */
public record IntegrationResult(List<ServerChangeset> integrated, int skipped, long latestVersion, long uploadAck) {

	public IntegrationResult {
		integrated = List.copyOf(integrated);
		if (skipped < 0 || latestVersion < 0 || uploadAck < 0) {
			throw new IllegalArgumentException("counts and versions must be >= 0");
		}
	}

}
