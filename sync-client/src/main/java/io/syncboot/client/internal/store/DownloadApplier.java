package io.syncboot.client.internal.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.HybridLogicalClock;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.model.Stamp;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncMessage;

/**
 * The download-apply path of {@link SqliteStore}: checks received downloads, merges their
 * changesets and document states (inserting the states of documents the file has no row for in one
 * batch, as they came), counts their content bytes, moves the cursor and drops the acknowledged
 * outbox entries.
 *
 * <p>Not thread-safe: called only by {@link SqliteStore} under its lock, inside a transaction it
 * commits or rolls back. Throws {@link ProtocolException} for a download that breaks the protocol
 * and {@link SQLException} if SQLite fails; the caller then rolls everything back.
 */
final class DownloadApplier {

	private final MessageCodec codec;

	private final DocumentTable documents;

	private final OutboxTable outbox;

	private final StatementCache statements;

	private final HybridLogicalClock clock;

	DownloadApplier(MessageCodec codec, DocumentTable documents, OutboxTable outbox, StatementCache statements,
			HybridLogicalClock clock) {
		this.codec = codec;
		this.documents = documents;
		this.outbox = outbox;
		this.statements = statements;
		this.clock = clock;
	}

	/**
	 * Applies consecutive downloads on top of {@code before} and {@code counters}, writing the
	 * documents, the outbox and the metadata row (the last download's cursor with its salt),
	 * uncommitted.
	 * @return the documents any of them changed, the bytes of all their content, the metadata after
	 * the last and the upload counters after them
	 * @throws ProtocolException if one of them would move the cursor backwards, or
	 * ({@code DIVERGING_HISTORIES}) acknowledges a client version this file never committed
	 */
	StagedCommit apply(List<SyncMessage.Download> downloads, StoreMeta before, UploadCounters counters)
			throws SQLException {
		Map<DocumentKey, DocumentState> states = new LinkedHashMap<>();
		Set<DocumentKey> changed = new LinkedHashSet<>();
		long bytes = 0;
		long cursor = before.downloadCursor();
		long salt = before.downloadSalt();
		long ack = before.uploadAck();
		long newest = 0;
		for (SyncMessage.Download download : downloads) {
			check(download, cursor, before);
			MergedChangesets merged = mergeChangesets(download.changesets(), states, changed);
			bytes += merged.bytes();
			newest = Math.max(newest, merged.newestTimestamp());
			bytes += mergeDocuments(download.documents(), states, changed);
			cursor = download.serverVersion();
			salt = download.serverVersionSalt();
			ack = Math.max(ack, download.uploadAck());
		}
		this.documents.writeRemote(states.values().stream().filter(s -> changed.contains(s.key())).toList());
		UploadCounters countersAfter = counters;
		if (ack > before.uploadAck()) {
			long acknowledgedBytes = this.outbox.bytesUpTo(ack);
			this.outbox.deleteUpTo(ack);
			countersAfter = new UploadCounters(counters.sequence() + 1, counters.acknowledged() + acknowledgedBytes,
					Math.max(0, counters.pending() - acknowledgedBytes));
		}
		StoreMeta after = new StoreMeta(before.clientFileId(), before.fileSalt(), before.serverSalt(), cursor, salt, ack,
				before.nextClientVersion(), this.clock.last());
		MetaTable.write(this.statements, after);
		return new StagedCommit(new CommitResult(0, CommitResult.byCollection(changed), after, bytes, null, newest),
				countersAfter);
	}

	private static void check(SyncMessage.Download download, long cursor, StoreMeta before) {
		if (download.serverVersion() < cursor) {
			throw new ProtocolException(ErrorCode.BAD_SERVER_VERSION, "download cursor " + download.serverVersion()
					+ " is behind the stored cursor " + cursor);
		}
		if (download.uploadAck() > before.lastCommittedClientVersion()) {
			// the server integrated client versions of this file that it never committed: another copy
			// of the file wrote them (copied to another device, or this one restored from an older copy)
			throw new ProtocolException(ErrorCode.DIVERGING_HISTORIES, "the server acknowledged client version "
					+ download.uploadAck() + " of this client file, beyond the last it committed ("
					+ before.lastCommittedClientVersion() + "): another copy of the file wrote them");
		}
	}

	/**
	 * What merging downloaded changesets found.
	 * @param bytes the bytes of their encoded operations
	 * @param newestTimestamp the greatest clock value of their operations, 0 if none
	 */
	private record MergedChangesets(long bytes, long newestTimestamp) {
	}

	/** Applies downloaded changesets to {@code states}. */
	private MergedChangesets mergeChangesets(List<ServerChangeset> changesets, Map<DocumentKey, DocumentState> states,
			Set<DocumentKey> changed) throws SQLException {
		long bytes = 0;
		long newest = 0;
		for (ServerChangeset changeset : changesets) {
			bytes += MessageCodec.utf8Length(this.codec.encodeOperations(changeset.operations()));
			for (Operation operation : changeset.operations()) {
				this.clock.observe(operation.timestamp());
				newest = Math.max(newest, operation.timestamp());
				DocumentKey key = new DocumentKey(operation.collection(), operation.id());
				if (this.documents.stateIn(states, key).apply(operation, changeset.originFileId())) {
					changed.add(key);
				}
			}
		}
		return new MergedChangesets(bytes, newest);
	}

	/**
	 * Merges downloaded document states. The states of documents the file has no row for (a
	 * bootstrap) are inserted as they came, in one batch, without reading or merging; the others
	 * are read, merged into {@code states} and written by the caller.
	 * @return the bytes of the encoded states
	 */
	private long mergeDocuments(List<DocumentState> incoming, Map<DocumentKey, DocumentState> states,
			Set<DocumentKey> changed) throws SQLException {
		long bytes = 0;
		List<DocumentState> fresh = new ArrayList<>(incoming.size());
		List<String> encoded = new ArrayList<>(incoming.size());
		List<DocumentState> merged = new ArrayList<>();
		for (DocumentState state : incoming) {
			this.clock.observe(state.latestStamp().timestamp());
			String encodedState = this.codec.encodeDocumentState(state);
			bytes += MessageCodec.utf8Length(encodedState);
			if (states.containsKey(state.key())) {
				merged.add(state);
			}
			else if (!isEmpty(state)) {
				fresh.add(state);
				encoded.add(encodedState);
			}
		}
		boolean[] inserted = this.documents.insertNew(fresh, encoded);
		for (int i = 0; i < inserted.length; i++) {
			if (inserted[i]) {
				changed.add(fresh.get(i).key());
			}
			else {
				merged.add(fresh.get(i));
			}
		}
		for (DocumentState state : merged) {
			if (this.documents.stateIn(states, state.key()).merge(state)) {
				changed.add(state.key());
			}
		}
		return bytes;
	}

	/**
	 * Whether a state holds nothing (merging it into any state changes nothing): its greatest stamp
	 * is zero and it has no register. Asks for the registers only then, so a state read with its
	 * registers pending stays unbuilt.
	 */
	private static boolean isEmpty(DocumentState state) {
		return state.latestStamp().equals(Stamp.ZERO) && state.registers().isEmpty();
	}

}
