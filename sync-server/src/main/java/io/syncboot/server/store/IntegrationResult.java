package io.syncboot.server.store;

import java.util.List;

import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.ServerChangeset;

/**
 * The outcome of one durable {@link HistoryStore#integrate integration}. Immutable.
 *
 * @param integrated the changesets newly integrated, with their server versions (empty when all
 * were already integrated), including any compensating changeset of the partition's server file
 * that reverts a {@code rejected} one (in server version order)
 * @param skipped how many changesets were skipped because they had been integrated before
 * @param latestVersion the partition's latest server version after the integration
 * @param uploadAck the acknowledgement: the greatest client version of the upload (each of its
 * changesets is now integrated, rejected, or was before as sent), 0 for an empty upload; never one
 * the upload did not carry, so a download to the uploading session acknowledges only what that
 * session sent
 * @param integratedBytes the UTF-8 size of each integrated changeset's operations as the store
 * encoded them, in the order of {@code integrated}; empty if the store did not count them
 * @param committedAt the commit time the store recorded with every changeset of {@code integrated}
 * (epoch milliseconds; what {@link HistoryStore#entryAt} and
 * {@link ChangesetBatch#scannedCommittedAt()} read back for them), 0 when nothing was integrated
 * @param rejected the uploaded changesets that were acknowledged (covered by {@code uploadAck})
 * without being integrated, in client version order: by {@link HistoryStore#reject} every one it did
 * not skip; by {@link HistoryStore#integrate} those that would have grown a document's stored state
 * past {@link io.syncboot.core.protocol.SyncProtocol#MAX_DOCUMENT_STATE_BYTES}. Empty on the usual path
 */
public record IntegrationResult(List<ServerChangeset> integrated, int skipped, long latestVersion, long uploadAck,
		List<Long> integratedBytes, long committedAt, List<Changeset> rejected) {

	public IntegrationResult {
		integrated = List.copyOf(integrated);
		integratedBytes = List.copyOf(integratedBytes);
		rejected = List.copyOf(rejected);
		if (skipped < 0 || latestVersion < 0 || uploadAck < 0 || committedAt < 0) {
			throw new IllegalArgumentException("counts, versions and committedAt must be >= 0");
		}
		if (!integratedBytes.isEmpty() && integratedBytes.size() != integrated.size()) {
			throw new IllegalArgumentException("integratedBytes must be empty or have one size per integrated changeset");
		}
	}

	/** An outcome without the sizes of the integrated changesets, and with nothing rejected. */
	public IntegrationResult(List<ServerChangeset> integrated, int skipped, long latestVersion, long uploadAck,
			long committedAt) {
		this(integrated, skipped, latestVersion, uploadAck, List.of(), committedAt, List.of());
	}

}
