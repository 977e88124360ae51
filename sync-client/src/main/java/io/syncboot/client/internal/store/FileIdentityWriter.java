package io.syncboot.client.internal.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.HybridLogicalClock;
import io.syncboot.core.model.Operation;

/**
 * The writes of {@link SqliteStore} that change which client file the database is: storing the
 * client file id the server allocated (rewriting the stamps made before it) and resetting the file
 * for a client reset (optionally committing the unacknowledged local changes again).
 *
 * <p>Not thread-safe: called only by {@link SqliteStore} under its lock, inside a transaction it
 * commits or rolls back. Throws {@link SQLException} if SQLite fails and
 * {@link IllegalStateException} for a conflicting file id; the caller then rolls everything back.
 */
final class FileIdentityWriter {

	private final MessageCodec codec;

	private final LongSupplier wallMillis;

	private final Connection connection;

	private final StatementCache statements;

	private final DocumentTable documents;

	private final OutboxTable outbox;

	private final HybridLogicalClock clock;

	FileIdentityWriter(MessageCodec codec, LongSupplier wallMillis, Connection connection, StatementCache statements,
			DocumentTable documents, OutboxTable outbox, HybridLogicalClock clock) {
		this.codec = codec;
		this.wallMillis = wallMillis;
		this.connection = connection;
		this.statements = statements;
		this.documents = documents;
		this.outbox = outbox;
		this.clock = clock;
	}

	/**
	 * Stores the allocated client file id with the salts and rewrites every stamp with file id 0 to
	 * it, uncommitted.
	 * @return the metadata after it
	 * @throws IllegalStateException if a different file id is already stored
	 */
	StoreMeta assignClientFileId(StoreMeta before, long clientFileId, long fileSalt, long serverSalt)
			throws SQLException {
		if (before.clientFileId() != 0 && before.clientFileId() != clientFileId) {
			throw new IllegalStateException("client file id " + before.clientFileId()
					+ " is already stored; refusing " + clientFileId);
		}
		List<DocumentState> states = this.documents.statesWithUnassignedStamps();
		// the visible body changes only where a register drops below the put's stamp
		List<DocumentState> sameBody = new ArrayList<>(states.size());
		List<DocumentState> changedBody = new ArrayList<>();
		for (DocumentState state : states) {
			int registers = state.registers().size();
			state.reassignFileId(0, clientFileId);
			(state.registers().size() == registers ? sameBody : changedBody).add(state);
		}
		this.documents.rewriteStates(sameBody);
		this.documents.writeRemote(changedBody);
		StoreMeta after = new StoreMeta(clientFileId, fileSalt, serverSalt, before.downloadCursor(),
				before.downloadSalt(), before.uploadAck(), before.nextClientVersion(), before.lastHlc());
		MetaTable.write(this.statements, after);
		return after;
	}

	/**
	 * Resets the file for a client reset, uncommitted (see {@link SqliteStore#resetForClientReset}).
	 * @return the documents that were present or changed, the new metadata and the upload counters
	 */
	StagedCommit resetForClientReset(StoreMeta before, UploadCounters counters, boolean recover, long keepStampsUpTo)
			throws SQLException {
		List<OutboxEntry> entries = recover ? this.outbox.read(0, Long.MAX_VALUE, Integer.MAX_VALUE) : List.of();
		Set<DocumentKey> touched = new LinkedHashSet<>();
		try (Statement statement = this.connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT collection, id FROM documents WHERE present = 1")) {
			while (rows.next()) {
				touched.add(new DocumentKey(rows.getString(1), rows.getString(2)));
			}
		}
		try (Statement statement = this.connection.createStatement()) {
			statement.executeUpdate("DELETE FROM outbox");
			statement.executeUpdate("DELETE FROM documents");
		}
		long nextClientVersion = before.nextClientVersion();
		long pending = 0;
		for (OutboxEntry entry : entries) {
			// changesets the server may have already (another copy of the file sent them) keep their stamps:
			// committed again, they merge as they did, and never overwrite later writes
			List<Operation> operations = (entry.clientVersion() <= keepStampsUpTo) ? entry.operations()
					: entry.operations().stream().map(op -> restamp(op, this.clock.next())).toList();
			String ops = this.codec.encodeOperations(operations);
			long size = MessageCodec.utf8Length(ops);
			Map<DocumentKey, DocumentState> states = new LinkedHashMap<>();
			for (Operation operation : operations) {
				this.documents.stateIn(states, new DocumentKey(operation.collection(), operation.id()))
					.apply(operation, 0);
			}
			this.documents.writeLocal(List.copyOf(states.values()), nextClientVersion);
			this.outbox.insert(nextClientVersion, 0, ops, size, this.wallMillis.getAsLong(), this.clock.last());
			touched.addAll(states.keySet());
			nextClientVersion++;
			pending += size;
		}
		StoreMeta after = new StoreMeta(0, 0, 0, 0, 0, nextClientVersion - 1 - entries.size(), nextClientVersion,
				this.clock.last());
		MetaTable.write(this.statements, after);
		return new StagedCommit(new CommitResult(0, CommitResult.byCollection(touched), after),
				new UploadCounters(counters.sequence() + 1, counters.acknowledged(), pending));
	}

	private static Operation restamp(Operation operation, long timestamp) {
		if (operation instanceof Operation.Put put) {
			return new Operation.Put(put.collection(), put.id(), timestamp, put.fields());
		}
		if (operation instanceof Operation.Update update) {
			return new Operation.Update(update.collection(), update.id(), timestamp, update.fields());
		}
		if (operation instanceof Operation.Unset unset) {
			return new Operation.Unset(unset.collection(), unset.id(), timestamp, unset.fields());
		}
		Operation.Delete delete = (Operation.Delete) operation;
		return new Operation.Delete(delete.collection(), delete.id(), timestamp);
	}

}
