package io.syncboot.server.store;

import java.util.List;
import java.util.Optional;

import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.DocumentKey;
import org.jspecify.annotations.Nullable;

/**
 * The server's durable history: client files, the changesets of every partition in server version
 * order, and the merged document states of every partition (the snapshot a fresh client bootstraps
 * from).
 *
 * <p><b>Contract.</b> Implementations are thread-safe. Server versions are allocated per partition,
 * from 1, gap-free, in commit order; a changeset is visible to readers only once its whole
 * {@link #integrate integration} is committed and durable. Methods that write ({@link #allocateClientFile},
 * {@link #integrate}) may be serialized internally (the embedded SQLite store has a single writer);
 * readers never block writers for long. Failures of the underlying database surface as unchecked
 * exceptions (Spring's {@code DataAccessException} for JDBC stores); a failed write leaves no trace.
 * After {@link #close()} every method throws {@link IllegalStateException}.
 */
public interface HistoryStore extends AutoCloseable {

	/**
	 * The random salt of this history, created once when the store is first initialized and never
	 * changed. A client compares it with the salt it stored to detect a server restored from an older
	 * copy or wiped. Never 0.
	 */
	long serverSalt();

	/**
	 * Allocates a new client file on a partition, with a random salt, durably.
	 * @param partition a valid partition name ({@code Names.partition})
	 * @return the new file, with {@code lastIntegratedClientVersion} 0
	 * @throws IllegalArgumentException if the partition name is invalid
	 */
	ClientFile allocateClientFile(String partition);

	/**
	 * Allocates a new client file on the partition for a user, durably; only that user may ident
	 * with it. The default ignores the owner (stores that cannot record one).
	 * @param owner the user's name
	 */
	default ClientFile allocateClientFile(String partition, String owner) {
		return allocateClientFile(partition);
	}

	/**
	 * The client file with this id, if this history allocated it.
	 */
	Optional<ClientFile> findClientFile(long fileId);

	/**
	 * Integrates the changesets a client file uploaded, in one durable transaction: changesets whose
	 * client version is at or below the last one integrated for the file are skipped (exactly once),
	 * if the history holds the same operations for that client version (a re-send after a lost
	 * acknowledgement); each other one gets the next server version of the partition, is recorded in
	 * the history with the file as its origin, and is merged into the partition's document states; the file's last
	 * integrated client version is updated. Every history row it writes records the same commit time
	 * (the result's {@code committedAt}). When this method returns, the transaction is committed and
	 * durable.
	 *
	 * <p>A changeset that would grow a document's stored state past
	 * {@link io.syncboot.core.protocol.SyncProtocol#MAX_DOCUMENT_STATE_BYTES} (no download could
	 * carry it) is rejected as {@link #reject} rejects a read-only file's: it is acknowledged but not
	 * integrated (nothing of it enters the history or the document states), and the operations
	 * {@code oversized} plans for it, against the documents' states at that point, are integrated
	 * right after as a changeset of the partition's server file. It is listed in the result's
	 * {@code rejected}; the other changesets are integrated as usual (a later one sees the
	 * compensation's effects). A changeset that leaves an already larger document no larger is not
	 * rejected.
	 * @param partition the partition the file belongs to
	 * @param fileId the uploading client file
	 * @param changesets changesets in increasing client version order (may be empty)
	 * @param oversized plans the compensation of a changeset rejected for a document's size; called on
	 * the store's writer inside the transaction, only when one is rejected
	 * @return what was integrated, what was rejected and the new acknowledgement
	 * @throws IllegalArgumentException if the file is unknown or belongs to another partition, or if the
	 * client versions do not increase
	 * @throws DivergedUploadException ({@code DIVERGING_HISTORIES}), nothing integrated, if a skipped
	 * changeset's operations differ from the history's for its client version (two copies of one
	 * client file wrote it); one the history holds no row for (compacted, or rejected for its size) is
	 * skipped unchecked
	 */
	IntegrationResult integrate(String partition, long fileId, List<Changeset> changesets,
			CompensationPlanner oversized);

	/**
	 * Integrates as {@link #integrate(String, long, List, CompensationPlanner)} with a planner that
	 * plans nothing: a changeset rejected for a document's size is acknowledged and left out, but not
	 * reverted on its writer's replica. For tools and tests; the server passes its planner.
	 */
	default IntegrationResult integrate(String partition, long fileId, List<Changeset> changesets) {
		return integrate(partition, fileId, changesets, (rejected, current) -> List.of());
	}

	/**
	 * Integrates several uploads as {@link #integrate(String, long, List, CompensationPlanner)} does,
	 * one after the other, in one durable transaction where the store supports it (group commit): all
	 * or nothing. A later upload sees the effects of the earlier ones (the same file twice is
	 * integrated exactly once). A changeset rejected for a document's size fails neither its upload
	 * nor the group.
	 * @return one result per upload, in order
	 * @throws IllegalArgumentException as {@link #integrate} does, for any of them (nothing is written)
	 */
	default List<IntegrationResult> integrateAll(List<Integration> integrations, CompensationPlanner oversized) {
		return integrations.stream()
			.map(i -> integrate(i.partition(), i.fileId(), i.changesets(), oversized))
			.toList();
	}

	/**
	 * Integrates as {@link #integrateAll(List, CompensationPlanner)} with a planner that plans nothing
	 * (see {@link #integrate(String, long, List)}).
	 */
	default List<IntegrationResult> integrateAll(List<Integration> integrations) {
		return integrateAll(integrations, (rejected, current) -> List.of());
	}

	/**
	 * Rejects an upload of a client file that may not write: in one durable transaction, the
	 * changesets above the file's last integrated client version are acknowledged without being
	 * integrated (nothing of them enters the history or the document states), and the operations
	 * {@code planner} returns for them are integrated as one changeset of the partition's server file
	 * (a client file the store allocates on the partition for the server's own writes), with its commit
	 * time (the result's {@code committedAt}). Changesets at or below the last integrated client version
	 * are skipped, as {@link #integrate} skips them, and then nothing is planned.
	 * @return the compensating changeset (if any was integrated), the skipped count, the partition's
	 * latest version, the new acknowledgement and the rejected changesets
	 * @throws IllegalArgumentException as {@link #integrate} does
	 */
	IntegrationResult reject(String partition, long fileId, List<Changeset> changesets, CompensationPlanner planner);

	/**
	 * The latest server version of a partition, 0 if it has no history (or does not exist).
	 */
	long latestVersion(String partition);

	/**
	 * The next batch of a partition's history after a version, in server version order. Changesets
	 * whose origin is {@code excludeFileId} are scanned but not returned. The batch holds at least one
	 * changeset when any non-excluded one exists, and stops before its content would exceed
	 * {@code maxBytes}; it also stops after scanning a bounded number of rows.
	 * @param afterVersion return changesets with a greater server version
	 * @param excludeFileId the file whose own changesets are skipped, or 0 for none
	 * @param maxBytes the content budget of the batch, at least 1
	 * @return the batch, whose {@link ChangesetBatch#scannedVersion()} is the highest version examined
	 * (the caller's new cursor), or {@code afterVersion} when nothing is newer, and whose
	 * {@link ChangesetBatch#scannedCommittedAt()} is that version's commit time (0 when nothing is newer)
	 */
	ChangesetBatch changesetsAfter(String partition, long afterVersion, long excludeFileId, long maxBytes);

	/**
	 * The entry of a partition's history at one server version: its changeset, with its operations
	 * (whoever its origin), and its commit time, exactly as {@link #integrate} or {@link #reject}
	 * reported them. The server derives the download cursor's salt from it, so every node of a shared
	 * database must read the same values. Empty if the partition has no such version, or compaction
	 * removed it. The default reads it through {@link #changesetsAfter}; a store should read the one row
	 * instead.
	 * @param serverVersion a version of the partition, at least 1
	 * @throws IllegalArgumentException if {@code serverVersion} is below 1
	 */
	default Optional<HistoryEntry> entryAt(String partition, long serverVersion) {
		if (serverVersion < 1) {
			throw new IllegalArgumentException("serverVersion must be >= 1, was " + serverVersion);
		}
		ChangesetBatch batch = changesetsAfter(partition, serverVersion - 1, 0, 1);
		return batch.changesets()
			.stream()
			.findFirst()
			.filter(changeset -> changeset.serverVersion() == serverVersion)
			.map(changeset -> new HistoryEntry(changeset, batch.scannedCommittedAt()));
	}

	/**
	 * The content bytes of the history after a version, not counting {@code excludeFileId}'s own
	 * changesets: the "remaining bytes" estimate of a download.
	 */
	long bytesAfter(String partition, long afterVersion, long excludeFileId);

	/**
	 * The content bytes of the history after {@code afterVersion} up to {@code upToVersion}
	 * (inclusive), not counting {@code excludeFileId}'s own changesets: what new versions add to a
	 * download's "remaining bytes" estimate, without counting again what it had counted. The default
	 * takes the difference of two {@link #bytesAfter} sums; a store should read only the range.
	 */
	default long bytesBetween(String partition, long afterVersion, long upToVersion, long excludeFileId) {
		if (upToVersion <= afterVersion) {
			return 0;
		}
		return Math.max(0, bytesAfter(partition, afterVersion, excludeFileId)
				- bytesAfter(partition, upToVersion, excludeFileId));
	}

	/**
	 * The next page of a partition's document states, including deleted (absent) documents, in
	 * key order.
	 * @param afterKey return states with a greater key, or {@code null} to start at the first
	 * @param maxBytes the content budget of the page, at least 1; a page holds at least one state when
	 * any is left
	 * @return the page; {@link SnapshotBatch#nextKey()} is {@code null} on the last page
	 */
	SnapshotBatch snapshot(String partition, @Nullable DocumentKey afterKey, long maxBytes);

	/**
	 * The content bytes of a partition's document states after a key ({@code null} for all: a
	 * bootstrap's progress total, which a store should keep rather than count, as a partition may
	 * hold millions of documents).
	 */
	long snapshotBytesAfter(String partition, @Nullable DocumentKey afterKey);

	/**
	 * The compaction horizon of a partition: its history at or below this version was removed by
	 * {@link #compact}, so a client whose cursor is below it (and not 0) cannot catch up by history and
	 * must reset ({@code CLIENT_FILE_EXPIRED}). 0 when nothing was compacted. Read it after reading
	 * history: a horizon above the cursor the read started from means the read may have missed rows.
	 */
	default long compactedVersion(String partition) {
		return 0;
	}

	/**
	 * Removes the history committed before a cutoff, on every partition: each partition's horizon
	 * moves to the greatest server version committed before {@code cutoffMillis} that is below every
	 * version committed at or after it (commit times come from the committing nodes' clocks, which
	 * may disagree), and its changesets at or below the horizon are deleted. Document states are kept (fresh clients bootstrap from them).
	 * Safe while other threads and nodes integrate and read; each partition is compacted in short
	 * transactions (the horizon is raised before any of its history is deleted), so that uploads to
	 * it are not held up for the whole delete.
	 * @param cutoffMillis epoch milliseconds; history committed at or after it is kept
	 * @return the number of changesets removed
	 */
	default long compact(long cutoffMillis) {
		return 0;
	}

	/**
	 * The bytes the store takes in its database (its tables and indexes), or -1 if it cannot tell.
	 * A monitoring figure: it may lag the last commits.
	 */
	default long sizeBytes() {
		return -1;
	}

	/**
	 * The number of partitions the store holds (every partition a client file was ever allocated on,
	 * whether or not any history or document is left), or -1 if it cannot tell. Shared by every node of
	 * a shared database. A monitoring figure: it may lag the last commits.
	 */
	default long partitionCount() {
		return -1;
	}

	/**
	 * Subscribes to commits made by other writers of the same history (other server nodes sharing a
	 * database). A notification is a hint only: the listener's {@link CommitListener#catchUp()} is
	 * called whenever notifications may have been missed (first subscription, after a lost connection,
	 * and periodically), and must then ask {@link #latestVersion} for what it serves. Stores with a
	 * single writer deliver nothing. Listener methods are called on one background thread.
	 * @param threads makes the background thread, if the store needs one
	 * @return closing it ends the subscription
	 */
	default AutoCloseable subscribe(CommitListener listener, java.util.concurrent.ThreadFactory threads) {
		return () -> {
		};
	}

	/** Receives the commits of other nodes; see {@link HistoryStore#subscribe}. */
	interface CommitListener {

		/** A commit made the partition's latest version (at least) {@code latestVersion}. */
		void committed(String partition, long latestVersion);

		/** Notifications may have been missed: query the latest versions of every partition served. */
		void catchUp();

	}

	/**
	 * Closes the store: waits for a running write to finish and releases every resource. Idempotent.
	 */
	@Override
	void close();

}
