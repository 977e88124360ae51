package io.syncboot.server.internal.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import io.syncboot.core.model.ServerChangeset;
import io.syncboot.server.store.ChangesetBatch;
import org.jspecify.annotations.Nullable;

/**
 * The last changesets committed on one partition, in memory, so that fan-out to sessions at the head
 * of the history needs no store read. Holds a contiguous run of server versions, bounded by count
 * and bytes; a gap (a commit this node did not see) empties it. Thread-safe.
 */
final class RecentChangesets {

	private record Entry(ServerChangeset changeset, long bytes, long committedAt) {
	}

	/**
	 * A batch served from memory (its {@link ChangesetBatch#scannedCommittedAt()} from the commit that
	 * added the scanned changeset), with the bytes left after it and the changeset at its scanned
	 * version (the new cursor), which may be the excluded file's own; null if nothing was scanned.
	 */
	record Cached(ChangesetBatch batch, long remainingBytes, @Nullable ServerChangeset scannedChangeset) {
	}

	private final int maxEntries;

	private final long maxBytes;

	private final ArrayDeque<Entry> entries = new ArrayDeque<>(); // guarded by this

	private long bytes; // guarded by this

	RecentChangesets(int maxEntries, long maxBytes) {
		this.maxEntries = maxEntries;
		this.maxBytes = maxBytes;
	}

	/**
	 * Appends changesets committed in version order.
	 * @param size the changeset's content bytes
	 * @param committedAt its commit time, as the store recorded it ({@code IntegrationResult.committedAt})
	 */
	synchronized void add(ServerChangeset changeset, long size, long committedAt) {
		Entry last = this.entries.peekLast();
		if (last != null && changeset.serverVersion() != last.changeset().serverVersion() + 1) {
			clear();
		}
		this.entries.addLast(new Entry(changeset, size, committedAt));
		this.bytes += size;
		while (this.entries.size() > this.maxEntries || (this.bytes > this.maxBytes && this.entries.size() > 1)) {
			this.bytes -= this.entries.removeFirst().bytes();
		}
	}

	synchronized void clear() {
		this.entries.clear();
		this.bytes = 0;
	}

	/**
	 * The batch after {@code cursor} up to {@code latest}, as {@code HistoryStore.changesetsAfter}
	 * would return it, or {@code null} if memory does not hold every version in that range.
	 */
	synchronized @Nullable Cached after(long cursor, long latest, long excludeFileId, long budget) {
		Entry first = this.entries.peekFirst();
		Entry last = this.entries.peekLast();
		if (first == null || last == null || first.changeset().serverVersion() > cursor + 1
				|| last.changeset().serverVersion() < latest) {
			return null;
		}
		List<ServerChangeset> changesets = new ArrayList<>();
		long scanned = cursor;
		ServerChangeset scannedChangeset = null;
		long scannedCommittedAt = 0;
		long batchBytes = 0;
		long remaining = 0;
		boolean full = false;
		Iterator<Entry> iterator = this.entries.iterator();
		while (iterator.hasNext()) {
			Entry entry = iterator.next();
			long version = entry.changeset().serverVersion();
			if (version <= cursor || version > latest) {
				continue;
			}
			boolean own = entry.changeset().originFileId() == excludeFileId;
			if (full || (!own && !changesets.isEmpty() && batchBytes + entry.bytes() > budget)) {
				full = true;
				remaining += own ? 0 : entry.bytes();
				continue;
			}
			scanned = version;
			scannedChangeset = entry.changeset();
			scannedCommittedAt = entry.committedAt();
			if (!own) {
				changesets.add(entry.changeset());
				batchBytes += entry.bytes();
				full = batchBytes >= budget;
			}
		}
		return new Cached(new ChangesetBatch(changesets, scanned, batchBytes, scannedCommittedAt), remaining,
				scannedChangeset);
	}

}
