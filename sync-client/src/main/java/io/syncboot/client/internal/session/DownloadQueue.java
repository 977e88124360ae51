package io.syncboot.client.internal.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.protocol.SyncMessage;

/**
 * The downloads a {@link ProtocolSession} received and has not applied yet, with the bookkeeping
 * of their batched apply and of the back pressure on the socket: the rows and estimated bytes
 * waiting, and whether an apply task is queued on the store thread.
 *
 * <p>A failed apply clears the queue, dropping what it holds; from then until the next ident, which
 * asks for everything after the stored cursor again, the queue is stale and refuses downloads, so
 * that none received after the dropped ones is applied before them (the cursor would skip them).
 *
 * <p>Thread-safe: the loop thread adds, the store thread takes batches, either may clear; every
 * method holds the queue's monitor briefly and never blocks otherwise. It throws nothing of its own.
 */
final class DownloadQueue {

	/** Rows (operations and document states) applied in one local transaction, at most, unless one download has more. */
	static final int MAX_ROWS_PER_APPLY = 10_000;

	/**
	 * Rows (operations and document states) of received downloads waiting to be applied beyond which
	 * the socket is not read (back pressure), so a bootstrap holds a bounded number of decoded
	 * downloads; reading resumes once fewer than {@link #MAX_ROWS_PER_APPLY} wait.
	 */
	static final int MAX_QUEUED_ROWS = 2 * MAX_ROWS_PER_APPLY;

	/** Bytes (estimated) of received downloads waiting to be applied beyond which the socket is not read. */
	static final long MAX_QUEUED_BYTES = 32L * 1024 * 1024;

	private final ArrayDeque<Queued> received = new ArrayDeque<>(); // guarded by this

	private boolean applyPosted; // guarded by this: an apply task is queued or running

	private long queuedRows; // guarded by this: rows of the downloads in it

	private long queuedBytes; // guarded by this: estimated bytes of the downloads in it

	private long generation; // guarded by this: bumped by clear(), which drops downloads

	private long added; // guarded by this: downloads added since the queue was made (their sequence numbers)

	private long taken; // guarded by this: the sequence number of the last download taken

	private boolean stale; // guarded by this: downloads were dropped since the last ident

	/**
	 * What adding a download found.
	 * @param refused whether the download was dropped, not queued, because the queue is
	 * {@link #isStale() stale}: applied, it would move the cursor past the downloads dropped before it
	 * @param post whether no apply task was queued or running, so the caller must post one
	 * @param full whether the backlog reached its bound, so the socket should not be read
	 */
	record Added(boolean refused, boolean post, boolean full) {

		static final Added REFUSED = new Added(true, false, false);

	}

	/**
	 * Appends a received download, unless the queue is {@link #isStale() stale} (then it is dropped:
	 * it is downloaded again after the next ident); the caller posts an apply task if
	 * {@link Added#post()}.
	 */
	Added add(SyncMessage.Download download) {
		int rows = rows(download); // counted outside the lock
		long bytes = estimatedBytes(download);
		synchronized (this) {
			if (this.stale) {
				return Added.REFUSED;
			}
			Queued queued = new Queued(download, rows, bytes, ++this.added);
			this.received.addLast(queued);
			this.queuedRows += queued.rows();
			this.queuedBytes += queued.bytes();
			boolean full = this.queuedRows >= MAX_QUEUED_ROWS || this.queuedBytes >= MAX_QUEUED_BYTES;
			boolean post = !this.applyPosted;
			this.applyPosted = true;
			return new Added(false, post, full);
		}
	}

	/**
	 * Drops the downloads not applied yet (they are downloaded again) and forgets the apply task.
	 * Starts a new {@link #generation()}, and the queue is {@link #isStale() stale}, refusing
	 * downloads, until the next {@link #identified()}.
	 */
	synchronized void clear() {
		this.received.clear();
		this.queuedRows = 0;
		this.queuedBytes = 0;
		this.applyPosted = false;
		this.generation++;
		this.stale = true;
	}

	/**
	 * The generation of the downloads received: one that is still current when a MARK is processed
	 * means that no download received before the MARK was dropped since.
	 */
	synchronized long generation() {
		return this.generation;
	}

	/**
	 * Whether downloads were dropped since the last ident, so that the stored cursor has a gap
	 * before what the connection still brings: such downloads are refused, and a MARK coming back now
	 * says nothing about what is applied.
	 */
	synchronized boolean isStale() {
		return this.stale;
	}

	/**
	 * An ident was sent with the stored (committed) cursor: what comes next follows what is applied,
	 * and is queued again.
	 */
	synchronized void identified() {
		this.stale = false;
	}

	/** Whether the backlog is below half its bound, so the socket may be read again. */
	synchronized boolean isDrained() {
		return this.queuedRows < MAX_QUEUED_ROWS / 2 && this.queuedBytes < MAX_QUEUED_BYTES / 2;
	}

	/**
	 * Takes the next downloads to apply together: at least one if any, at most
	 * {@link #MAX_ROWS_PER_APPLY} rows unless the first has more.
	 */
	synchronized List<SyncMessage.Download> take() {
		List<SyncMessage.Download> batch = new ArrayList<>();
		int rows = 0;
		while (!this.received.isEmpty()) {
			Queued next = this.received.peekFirst();
			if (!batch.isEmpty() && rows + next.rows() > MAX_ROWS_PER_APPLY) {
				break;
			}
			this.received.pollFirst();
			batch.add(next.download());
			rows += next.rows();
			this.queuedRows -= next.rows();
			this.queuedBytes -= next.bytes();
			this.taken = next.sequence();
		}
		return batch;
	}

	/**
	 * Ends the apply task if nothing is left to apply (the next download added posts a new one).
	 * @return whether downloads are waiting, so the task must go on
	 */
	synchronized boolean continueApplying() {
		if (this.received.isEmpty()) {
			this.applyPosted = false;
			return false;
		}
		return true;
	}

	/**
	 * The sequence number of the last download added: once {@link #isTakenThrough(long) taken
	 * through} it, every download received until now has been taken to be applied.
	 */
	synchronized long lastAdded() {
		return this.added;
	}

	/**
	 * Whether the download of sequence number {@code sequence}, and every one before it, was taken
	 * (or dropped).
	 */
	synchronized boolean isTakenThrough(long sequence) {
		return this.taken >= sequence || this.received.isEmpty();
	}

	/** A received download with its rows and estimated bytes, counted once. */
	private record Queued(SyncMessage.Download download, int rows, long bytes, long sequence) {
	}

	private static int rows(SyncMessage.Download download) {
		int rows = download.documents().size();
		for (ServerChangeset changeset : download.changesets()) {
			rows += changeset.operations().size();
		}
		return rows;
	}

	/** The download's content size: the states' remembered texts, and a guess for what has none. */
	private static long estimatedBytes(SyncMessage.Download download) {
		long bytes = 0;
		for (DocumentState state : download.documents()) {
			String encoded = state.encoding();
			bytes += (encoded != null) ? encoded.length() : 256;
		}
		for (ServerChangeset changeset : download.changesets()) {
			bytes += 256L * changeset.operations().size();
		}
		return bytes;
	}

}
