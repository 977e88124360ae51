package io.syncboot.client.internal.store;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.HybridLogicalClock;
import io.syncboot.core.model.Operation;
import io.syncboot.core.protocol.SyncProtocol;

/**
 * The local-commit path of {@link SqliteStore}: stamps local writes with fresh clock values, merges
 * them into the document states and appends them to the outbox as the next changeset.
 *
 * <p>Not thread-safe: called only by {@link SqliteStore} under its lock, inside a transaction it
 * commits or rolls back. Throws {@link IllegalArgumentException} for a changeset larger than
 * allowed and {@link SQLException} if SQLite fails; the caller then rolls everything back.
 */
final class LocalCommitWriter {

	private final MessageCodec codec;

	private final LongSupplier wallMillis;

	private final int maxChangesetBytes;

	private final DocumentTable documents;

	private final OutboxTable outbox;

	private final HybridLogicalClock clock;

	LocalCommitWriter(MessageCodec codec, LongSupplier wallMillis, int maxChangesetBytes, DocumentTable documents,
			OutboxTable outbox, HybridLogicalClock clock) {
		this.codec = codec;
		this.wallMillis = wallMillis;
		this.maxChangesetBytes = maxChangesetBytes;
		this.documents = documents;
		this.outbox = outbox;
		this.clock = clock;
	}

	/**
	 * Writes non-empty local writes as one changeset on top of {@code before} and
	 * {@code counters}, uncommitted.
	 * @return the result (with the outbox entry appended) and the upload counters after it
	 * @throws IllegalArgumentException if the changeset is larger than the message size allows, or
	 * a document's state would be (it could not be downloaded)
	 */
	StagedCommit commit(List<LocalWrite> writes, StoreMeta before, UploadCounters counters) throws SQLException {
		List<Operation> operations = writes.stream().map(write -> write.stamp(this.clock.next())).toList();
		String ops = this.codec.encodeOperations(operations);
		long size = MessageCodec.utf8Length(ops);
		if (size > this.maxChangesetBytes) {
			throw new IllegalArgumentException("the transaction's changeset has " + size
					+ " bytes, more than the limit of " + this.maxChangesetBytes + " bytes: split it");
		}
		Map<DocumentKey, DocumentState> states = new LinkedHashMap<>();
		for (Operation operation : operations) {
			this.documents.stateIn(states, new DocumentKey(operation.collection(), operation.id()))
				.apply(operation, before.clientFileId());
		}
		long clientVersion = before.nextClientVersion();
		this.documents.writeLocal(List.copyOf(states.values()), clientVersion,
				Math.min(this.maxChangesetBytes, SyncProtocol.MAX_DOCUMENT_STATE_BYTES));
		// no meta row: MetaTable.recover finds the next client version and the clock in the outbox
		this.outbox.insert(clientVersion, before.downloadCursor(), ops, size, this.wallMillis.getAsLong(),
				this.clock.last());
		StoreMeta after = new StoreMeta(before.clientFileId(), before.fileSalt(), before.serverSalt(),
				before.downloadCursor(), before.downloadSalt(), before.uploadAck(), clientVersion + 1, this.clock.last());
		UploadCounters countersAfter = new UploadCounters(counters.sequence() + 1, counters.acknowledged(),
				counters.pending() + size);
		return new StagedCommit(new CommitResult(clientVersion, CommitResult.byCollection(states.keySet()), after, 0,
				new OutboxEntry(clientVersion, before.downloadCursor(), operations, size), 0), countersAfter);
	}

}
