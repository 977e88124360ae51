package io.syncboot.server.internal.session;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.server.store.ChangesetBatch;
import io.syncboot.server.store.ClientFile;
import io.syncboot.server.store.HistoryStore;
import io.syncboot.server.store.SnapshotBatch;
import org.jspecify.annotations.Nullable;

/**
 * One bound session: a client file on a partition, its download cursor, bootstrap progress,
 * acknowledgement and pending marks. Serial-queue only: every method except {@link #requestPump()}
 * runs on the owning connection's serial queue, so the fields need no lock; the acknowledgement is
 * also moved by the integrating thread as soon as an upload is durable. Writable sessions may have several
 * uploads queued for integration at once ({@link #pipelinesUploads()}). Session-level protocol
 * faults are thrown as {@link ProtocolException}; the connection answers them.
 */
public final class ServerSession {

	private enum State {
		BOUND, ACTIVE, RELEASED
	}

	private final long id;

	private final String partition;

	private final boolean writable;

	private final String user;

	private final SessionOwner owner;

	private final ServerContext context;

	private final HistoryStore store;

	private final AtomicBoolean pumpRequested = new AtomicBoolean();

	private State state = State.BOUND; // serial queue only

	private @Nullable PartitionHub hub; // serial queue only

	private long fileId; // serial queue only

	private long cursor; // serial queue only

	private long cursorSalt; // serial queue only: CursorSalts of the history entry at the cursor, 0 if unknown

	private final AtomicLong uploadAck = new AtomicLong(); // serial queue, and the writer once an upload is durable

	private final IntegrationBatcher.UploadSequence uploads = new IntegrationBatcher.UploadSequence(
			ack -> this.uploadAck.accumulateAndGet(ack, Math::max));

	private long sentAck = -1; // serial queue only; -1 forces the first download (none sent yet)

	private long fileClientVersion; // serial queue only: the file's last integrated client version at ident

	private boolean bootstrapping; // serial queue only

	private long snapshotVersion = -1; // serial queue only; -1 until the first snapshot batch

	private long snapshotSalt; // serial queue only: the cursor salt at snapshotVersion

	private @Nullable DocumentKey snapshotAfter; // serial queue only

	/**
	 * Serial queue only: once the cursor is found behind the compaction horizon, the file's last
	 * integrated client version, read after the uploads queued before (see {@link #expire}).
	 */
	private @Nullable CompletableFuture<Long> expiryIntegrated;

	private long expiryHorizon; // serial queue only: the compaction horizon the cursor is behind

	private long remaining; // serial queue only: estimated bytes left to download

	private long remainingAsOf = -1; // serial queue only: the latest version the estimate covers

	private final ArrayDeque<long[]> marks = new ArrayDeque<>(); // serial queue only: {requestId, target}

	/** A rejected upload whose error is sent once the download carrying its compensation was sent. */
	private record Rejection(long version, long ack, List<String> documents, String message) {
	}

	// added by the serial queue, a worker or the integrating thread; polled by the serial queue only
	private final Queue<Rejection> rejections = new ConcurrentLinkedQueue<>();

	/**
	 * @param writable whether the user may write the partition; if not, uploads are rejected and
	 * reverted
	 * @param user the user's name, for messages
	 */
	public ServerSession(long id, String partition, boolean writable, String user, SessionOwner owner,
			ServerContext context) {
		this.id = id;
		this.partition = partition;
		this.writable = writable;
		this.user = user;
		this.owner = owner;
		this.context = context;
		this.store = context.store();
	}

	public long id() {
		return this.id;
	}

	/** Handles the bind: allocates a client file when asked and answers with its ident. */
	public CompletionStage<?> bind(boolean needClientFileId) {
		if (!needClientFileId) {
			return CompletableFuture.completedFuture(null);
		}
		return this.context.executors()
			.write(() -> this.store.allocateClientFile(this.partition, this.user))
			.thenAcceptAsync(this::sendAllocated, this.context.executors().workers());
	}

	private void sendAllocated(ClientFile file) {
		if (this.state != State.RELEASED) {
			this.owner.send(new SyncMessage.Ident(this.id, file.fileId(), file.salt(), 0, 0, this.store.serverSalt()));
		}
	}

	/**
	 * Checks the client's ident and activates the session; throws a client-reset error on mismatch:
	 * among others when the history entry at the client's cursor is not the one the client
	 * downloaded (its cursor salt differs: the server was restored from an older copy and then
	 * written, reusing versions the client had seen). A cursor salt of 0 (unknown), a cursor of 0
	 * and a cursor whose entry compaction removed are not checked; a salt computed without the
	 * entry's commit time (by a server built before it was mixed in) is accepted as well. A cursor
	 * behind the compaction horizon gets the file's last integrated client version first (see
	 * {@link #sendBeforeExpiry}), then {@code CLIENT_FILE_EXPIRED}.
	 */
	public void ident(SyncMessage.Ident ident) {
		if (this.state != State.BOUND) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE_ORDER, "session " + this.id + " already sent ident");
		}
		if (ident.serverSalt() != 0 && ident.serverSalt() != this.store.serverSalt()) {
			throw new ProtocolException(ErrorCode.DIVERGING_HISTORIES,
					"the server's history is not the one this client file followed (server salt mismatch)");
		}
		ClientFile file = this.store.findClientFile(ident.clientFileId()).orElse(null);
		if (file == null || !file.partition().equals(this.partition) || file.salt() != ident.fileSalt()
				|| (file.owner() != null && !file.owner().equals(this.user))) {
			throw new ProtocolException(ErrorCode.BAD_CLIENT_FILE_ID, "client file " + ident.clientFileId()
					+ " is unknown on partition '" + this.partition + "' for this user, or its salt does not match");
		}
		PartitionHub known = this.context.partitions().hubIfPresent(this.partition);
		long latest = Math.max((known != null) ? known.latestVersion() : 0, this.store.latestVersion(this.partition));
		if (ident.downloadServerVersion() > latest) {
			throw new ProtocolException(ErrorCode.BAD_SERVER_VERSION, "download cursor "
					+ ident.downloadServerVersion() + " is ahead of the partition's latest version " + latest);
		}
		long horizon = (ident.downloadServerVersion() != 0) ? this.store.compactedVersion(this.partition) : 0;
		if (ident.downloadServerVersion() < horizon) {
			// active (its uploads are not integrated) but not registered: nothing is downloaded
			this.fileId = file.fileId();
			this.cursor = ident.downloadServerVersion();
			this.cursorSalt = ident.downloadServerVersionSalt();
			this.state = State.ACTIVE;
			this.hub = new PartitionHub(this.partition, latest); // its own: no commit pumps it
			expire(horizon);
			return;
		}
		CursorSaltCache.Salts salts = this.context.partitions().saltsAt(this.partition, ident.downloadServerVersion());
		long salt = (salts != null) ? salts.salt() : 0;
		if (ident.downloadServerVersionSalt() != 0 && salts != null && ident.downloadServerVersionSalt() != salt
				&& ident.downloadServerVersionSalt() != salts.withoutCommitTime()) {
			throw new ProtocolException(ErrorCode.BAD_SERVER_VERSION, "the history at download cursor "
					+ ident.downloadServerVersion() + " of partition '" + this.partition
					+ "' is not the one this client file downloaded (the server was restored from an older copy)");
		}
		this.fileId = file.fileId();
		this.cursor = ident.downloadServerVersion();
		this.cursorSalt = salt;
		// acknowledgements cover what this session uploads (integrated, or compared with what was): a
		// copy of the file sharing its id must not have its own writes at those versions trimmed. The
		// first download tells the client the file's last integrated version instead, which finds a
		// copy that wrote less than another (downloads never carry the file's own changesets)
		this.uploadAck.set(0);
		this.fileClientVersion = file.lastIntegratedClientVersion();
		this.bootstrapping = this.cursor == 0 && latest > 0;
		this.state = State.ACTIVE;
		this.hub = this.context.partitions().register(this.partition, this, latest);
		requestPump();
	}

	/**
	 * Whether the connection may go on with the next message before this session's uploads are
	 * durable: true for a writable session (its uploads queue in order, see
	 * {@link IntegrationBatcher.UploadSequence}); a read-only session's rejections run one at a time.
	 */
	public boolean pipelinesUploads() {
		return this.writable;
	}

	/**
	 * Queues an upload for integration on the writer thread; the acknowledgement follows in a
	 * download. The stage completes once the upload is durable (on the writer thread), or
	 * exceptionally if it, or an earlier upload of this session, failed. Changesets the store rejected
	 * because they would have made a document too large to download are acknowledged and reverted
	 * by a compensating server changeset; a {@code WRITE_REJECTED} warning naming the documents they
	 * touched follows the download that carries the compensation and the ack.
	 */
	public CompletionStage<?> upload(SyncMessage.Upload upload) {
		return upload(upload, false);
	}

	/**
	 * Queues an upload for integration, as {@link #upload(SyncMessage.Upload)}.
	 * @param lone whether the connection has no further input waiting: then, if no integration is
	 * under way, the upload is integrated on this thread (the stage is complete on return) instead of
	 * waking the writer thread
	 */
	public CompletionStage<?> upload(SyncMessage.Upload upload, boolean lone) {
		requireActive("upload");
		if (upload.changesets().isEmpty()) {
			requestPump();
			return CompletableFuture.completedFuture(null);
		}
		if (this.expiryIntegrated != null) {
			// the session ends with CLIENT_FILE_EXPIRED: never integrated nor acknowledged, the client's
			// reset keeps or drops these changesets as the client-reset mode says
			return CompletableFuture.completedFuture(null);
		}
		if (!this.writable) {
			return reject(upload);
		}
		// the writer moves the acknowledgement before it fans the commit out, so that pump carries it;
		// this one covers a session the fan-out did not reach
		return this.context.integrations()
			.integrate(this.partition, this.fileId, upload.changesets(), this.uploads, lone)
			.thenAccept(result -> {
				if (!result.rejected().isEmpty()) {
					List<String> documents = RejectedDocuments.of(result.rejected());
					this.rejections.add(new Rejection(result.latestVersion(), result.uploadAck(), documents,
							RejectedDocuments.tooLargeMessage(this.partition, documents)));
				}
				requestPump();
			});
	}

	/**
	 * Rejects an upload of a read-only session: acknowledged, never integrated, reverted by
	 * compensating writes that reach this client (and every other one) as a server changeset; the
	 * {@code WRITE_REJECTED} error follows the download that carries them. It names the documents of
	 * the changesets rejected now only: changesets rejected before (re-sent after a lost ack) are
	 * skipped without a second warning.
	 */
	private CompletionStage<?> reject(SyncMessage.Upload upload) {
		return this.context.integrations()
			.reject(this.partition, this.fileId, upload.changesets(), this.context.compensator())
			.thenAcceptAsync(result -> {
				this.uploadAck.accumulateAndGet(result.uploadAck(), Math::max);
				if (!result.rejected().isEmpty()) {
					List<String> documents = RejectedDocuments.of(result.rejected());
					// after the last of the compensation's changesets (a large one comes in several)
					long version = result.integrated().isEmpty() ? 0
							: result.integrated().get(result.integrated().size() - 1).serverVersion();
					this.rejections.add(new Rejection(version, result.uploadAck(), documents,
							RejectedDocuments.message(this.user, this.partition, documents)));
				}
				requestPump();
			}, this.context.executors().workers());
	}

	/**
	 * Acknowledges up to {@code clientVersion} in a download that keeps the cursor, if that moves the
	 * acknowledgement, just before the session fails: an upload that diverged from the history at a
	 * later client version held these as the server has them. Serial queue.
	 */
	public void acknowledgeBeforeFailure(long clientVersion) {
		if (this.state != State.ACTIVE) {
			return;
		}
		long ack = this.uploadAck.accumulateAndGet(clientVersion, Math::max);
		if (ack != this.sentAck) {
			// its remaining bytes estimate the bootstrap after the reset (at least 1: 0 means complete)
			sendDownload(Math.max(1, this.store.snapshotBytesAfter(this.partition, null)), List.of(), List.of());
		}
	}

	/** Queues a mark; it is echoed once everything up to the latest version at receipt was sent. */
	public void mark(SyncMessage.Mark mark) {
		requireActive("mark");
		// the store knows commits of other nodes whose hint may not have arrived yet
		long latest = this.store.latestVersion(this.partition);
		if (latest > hub().latestVersion()) {
			hub().committed(latest);
		}
		this.marks.add(new long[] { mark.requestId(), Math.max(latest, hub().latestVersion()) });
		requestPump();
	}

	private void requireActive(String what) {
		if (this.state != State.ACTIVE) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE_ORDER,
					what + " on session " + this.id + " before its ident");
		}
	}

	private PartitionHub hub() {
		PartitionHub partitionHub = this.hub;
		if (partitionHub == null) {
			throw new IllegalStateException("session " + this.id + " is not active");
		}
		return partitionHub;
	}

	/** Ends the session: no more pumps. Idempotent. */
	public void release() {
		this.state = State.RELEASED;
		PartitionHub partitionHub = this.hub;
		if (partitionHub != null) {
			this.context.partitions().unregister(partitionHub, this);
		}
	}

	/** Asks the owner to pump this session; any thread; coalesces while a pump is pending. */
	public void requestPump() {
		if (this.pumpRequested.compareAndSet(false, true)) {
			this.owner.requestPump(this);
		}
	}

	/** Clears the pending-pump flag; the owner calls it just before {@link #pump()}. */
	public void pumpStarting() {
		this.pumpRequested.set(false);
	}

	/**
	 * Sends at most one download batch (and the marks it completes).
	 * @return whether more is left to send
	 */
	public boolean pump() {
		if (this.state != State.ACTIVE) {
			return false;
		}
		if (this.expiryIntegrated != null) {
			expire(this.expiryHorizon);
			return false;
		}
		long latest = hub().latestVersion();
		boolean progressed = true;
		if (this.bootstrapping) {
			sendSnapshotBatch();
		}
		else if (this.cursor < latest) {
			progressed = sendHistoryBatch(latest);
		}
		else if (this.uploadAck.get() != this.sentAck) {
			sendDownload(0, List.of(), List.of());
		}
		while (!this.bootstrapping && !this.marks.isEmpty() && this.marks.peek()[1] <= this.cursor) {
			this.owner.send(new SyncMessage.Mark(this.id, this.marks.poll()[0]));
		}
		while (!this.bootstrapping && !this.rejections.isEmpty() && this.rejections.peek().version() <= this.cursor
				&& this.rejections.peek().ack() <= this.sentAck) {
			Rejection rejection = this.rejections.poll();
			this.owner.send(new SyncMessage.Error(this.id, ErrorCode.WRITE_REJECTED, rejection.message(), true, 0,
					rejection.documents()));
		}
		return progressed && (this.bootstrapping || this.cursor < hub().latestVersion());
	}

	private void sendSnapshotBatch() {
		if (this.snapshotVersion < 0) {
			this.snapshotVersion = this.store.latestVersion(this.partition);
			this.snapshotSalt = saltAt(this.snapshotVersion);
			this.remaining = this.store.snapshotBytesAfter(this.partition, null)
					+ this.store.bytesAfter(this.partition, this.snapshotVersion, this.fileId);
			this.remainingAsOf = this.snapshotVersion;
		}
		SnapshotBatch batch = this.store.snapshot(this.partition, this.snapshotAfter, this.context.settings().batchBytes());
		this.remaining = Math.max(0, this.remaining - batch.bytes());
		if (batch.isLast()) {
			this.bootstrapping = false;
			this.cursor = this.snapshotVersion;
			this.cursorSalt = this.snapshotSalt;
			long upTo = Math.max(this.cursor, hub().latestVersion());
			this.remaining = this.store.bytesBetween(this.partition, this.cursor, upTo, this.fileId);
			this.remainingAsOf = upTo;
		}
		else {
			this.snapshotAfter = batch.nextKey();
		}
		sendDownload(this.remaining, List.of(), batch.documents());
	}

	/** Sends the next history batch; returns false if nothing was found after the cursor. */
	private boolean sendHistoryBatch(long latest) {
		long budget = this.context.settings().batchBytes();
		RecentChangesets.Cached cached = hub().recent().after(this.cursor, latest, this.fileId, budget);
		ChangesetBatch batch;
		ServerChangeset scanned = null;
		if (cached != null) {
			batch = cached.batch();
			scanned = cached.scannedChangeset();
			this.remaining = cached.remainingBytes();
			this.remainingAsOf = latest;
		}
		else {
			if (this.remainingAsOf < latest) {
				if (this.cursor <= this.remainingAsOf) {
					// new versions while what the estimate counted is still being sent: add theirs
					// (counting again from the cursor would read the whole history after it for every
					// batch of a download that catches up on a busy partition)
					this.remaining += this.store.bytesBetween(this.partition, this.remainingAsOf, latest, this.fileId);
				}
				else {
					// the cursor passed what the estimate counted: count after it (near the head, a short range)
					this.remaining = this.store.bytesBetween(this.partition, this.cursor, latest, this.fileId);
				}
				this.remainingAsOf = latest;
			}
			batch = this.store.changesetsAfter(this.partition, this.cursor, this.fileId, budget);
			long horizon = this.store.compactedVersion(this.partition);
			if (this.cursor < horizon) {
				// read after the batch: the rows after the cursor may have been removed before the read
				expire(horizon);
				return false;
			}
			this.remaining = Math.max(0, this.remaining - batch.bytes());
		}
		boolean progressed = batch.scannedVersion() > this.cursor;
		if (progressed) {
			// the changeset at the new cursor: from memory or the batch's last, unless the batch ended on
			// this file's own changeset, which it does not carry: then it is read
			List<ServerChangeset> sent = batch.changesets();
			if (scanned == null && !sent.isEmpty()) {
				scanned = sent.get(sent.size() - 1);
			}
			this.cursorSalt = (scanned != null && scanned.serverVersion() == batch.scannedVersion())
					? CursorSalts.of(scanned, batch.scannedCommittedAt()) : saltAt(batch.scannedVersion());
		}
		this.cursor = batch.scannedVersion();
		if (this.cursor >= latest) {
			this.remaining = 0;
		}
		if (!batch.changesets().isEmpty() || this.cursor >= latest || this.uploadAck.get() != this.sentAck) {
			sendDownload(this.remaining, batch.changesets(), List.of());
		}
		return progressed;
	}

	/**
	 * The cursor is behind the compaction {@code horizon}: ends the session with
	 * {@code CLIENT_FILE_EXPIRED}, after a download telling the client the file's last integrated
	 * client version ({@link #sendBeforeExpiry}). That version is read once the uploads queued before
	 * (this session's, or those of an earlier connection of the same file) are integrated, and uploads
	 * that come meanwhile are not integrated: the client is never told less than the server has (its
	 * recovering reset would commit those changesets again with fresh stamps, over later writes of
	 * others). Returns while the read is under way (a pump follows it); throws the error once done, or
	 * the store's failure to read.
	 */
	private void expire(long horizon) {
		CompletableFuture<Long> integrated = this.expiryIntegrated;
		if (integrated == null) {
			this.expiryHorizon = horizon;
			long file = this.fileId;
			// read on a worker: the barrier completes on the thread that integrates, which has more to do
			integrated = this.context.integrations().afterQueued()
				.thenApplyAsync(queued -> this.store.findClientFile(file).map(ClientFile::lastIntegratedClientVersion)
					.orElse(0L), this.context.executors().workers());
			this.expiryIntegrated = integrated;
			integrated.whenComplete((version, failure) -> requestPump());
			return;
		}
		if (!integrated.isDone()) {
			return;
		}
		long version;
		try {
			version = integrated.join();
		}
		catch (CompletionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RejectedExecutionException || cause instanceof IllegalStateException) {
				// the writer or the workers refused the work: the server is stopping
				throw new ProtocolException(ErrorCode.SERVER_SHUTTING_DOWN, "the server is shutting down");
			}
			throw (cause instanceof RuntimeException failure) ? failure : ex;
		}
		if (version > 0 || this.uploadAck.get() > Math.max(0, this.sentAck)) {
			sendBeforeExpiry(this.cursor, this.cursorSalt, version);
		}
		throw new ProtocolException(ErrorCode.CLIENT_FILE_EXPIRED, "download cursor " + this.cursor
				+ " is behind the history kept for partition '" + this.partition + "' (compacted up to " + horizon
				+ ")");
	}

	/**
	 * Sends, just before a {@code CLIENT_FILE_EXPIRED}, a download that keeps the client's cursor and
	 * carries this session's acknowledgement (what it uploaded and the server has: trimmed from the
	 * outbox) and the file's last integrated client version {@code integrated}: the client's recovering
	 * reset commits its unsynced changesets up to that version again with their own stamps, not fresh
	 * ones, since the server may have them (integrated, their ack lost; or written by another copy of
	 * the file): what it has merges as it did, and nothing overwrites later writes of others, while a
	 * copy's own writes at those versions are recovered, not trimmed. Its remaining bytes estimate the
	 * bootstrap that follows the reset (at least 1: the client takes 0 for a completed download).
	 */
	private void sendBeforeExpiry(long cursor, long cursorSalt, long integrated) {
		long ack = this.uploadAck.get();
		this.owner.send(new SyncMessage.Download(this.id, cursor, cursorSalt, ack,
				Math.max(1, this.store.snapshotBytesAfter(this.partition, null)), List.of(), List.of(), integrated));
		this.sentAck = ack;
	}

	private void sendDownload(long remainingBytes, List<ServerChangeset> changesets, List<DocumentState> documents) {
		long ack = this.uploadAck.get();
		this.owner.send(new SyncMessage.Download(this.id, this.cursor, this.cursorSalt, ack, remainingBytes, changesets,
				documents, fileClientVersionIfFirst()));
		this.sentAck = ack;
	}

	/** The file's last integrated client version at ident for the first download after it (none sent yet), then 0. */
	private long fileClientVersionIfFirst() {
		return (this.sentAck < 0) ? this.fileClientVersion : 0;
	}

	/**
	 * The cursor salt at a version of this partition (read from the store once per entry): 0 for version 0 and for a
	 * version whose history entry is gone (compacted).
	 */
	private long saltAt(long serverVersion) {
		CursorSaltCache.Salts salts = this.context.partitions().saltsAt(this.partition, serverVersion);
		return (salts != null) ? salts.salt() : 0;
	}

}
