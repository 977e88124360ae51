package io.syncboot.client.internal.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

import io.syncboot.client.internal.store.OutboxEntry;

/**
 * The upload bookkeeping of a {@link ProtocolSession} on one binding: the last client version
 * sent, the uploads sent and not acknowledged yet (at most {@link #MAX_UPLOADS_IN_FLIGHT}), and the
 * committed outbox entries handed over by the application thread (up to
 * {@link #MAX_COMMITTED_BYTES}), so that they can be uploaded without reading the outbox back.
 *
 * <p>Loop thread only; not thread-safe. It throws nothing of its own.
 */
final class UploadWindow {

	/** Upload messages sent and not yet acknowledged, at most. */
	static final int MAX_UPLOADS_IN_FLIGHT = 4;

	/** Changesets in one upload message, at most. */
	static final int MAX_CHANGESETS_PER_UPLOAD = 10_000;

	/** Bytes of committed entries kept for uploading without a read, at most; beyond, the outbox is read. */
	private static final long MAX_COMMITTED_BYTES = 1024 * 1024;

	private long lastSent;

	private final ArrayDeque<Long> inFlight = new ArrayDeque<>();

	private final NavigableMap<Long, OutboxEntry> committed = new TreeMap<>();

	private long committedBytes;

	/** The client version of the last changeset sent (or acknowledged when the binding started). */
	long lastSent() {
		return this.lastSent;
	}

	/** Whether as many uploads as allowed wait for their acknowledgement. */
	boolean isFull() {
		return this.inFlight.size() >= MAX_UPLOADS_IN_FLIGHT;
	}

	/** Keeps a committed entry for the upload if it follows what was sent and there is room. */
	void committed(OutboxEntry entry) {
		if (entry.clientVersion() > this.lastSent && this.committedBytes + entry.byteSize() <= MAX_COMMITTED_BYTES) {
			this.committed.put(entry.clientVersion(), entry);
			this.committedBytes += entry.byteSize();
		}
	}

	/** A binding was identified: uploads go on after {@code uploadAck}, none in flight. */
	void restartAfter(long uploadAck) {
		this.lastSent = uploadAck;
		this.inFlight.clear();
	}

	/** The connection went away: nothing is in flight any more. */
	void disconnected() {
		this.inFlight.clear();
	}

	/** The server acknowledged every changeset up to {@code ack}. */
	void acknowledged(long ack) {
		while (!this.inFlight.isEmpty() && this.inFlight.peekFirst() <= ack) {
			this.inFlight.pollFirst();
		}
	}

	/** Entries were sent in one upload. */
	void sent(List<OutboxEntry> entries) {
		this.lastSent = entries.get(entries.size() - 1).clientVersion();
		this.inFlight.addLast(this.lastSent);
	}

	/**
	 * Forgets the committed entries already sent, and returns the ones that follow the last sent,
	 * without a gap, up to one upload's size.
	 * @return the entries; empty if the next one to send is not kept (the outbox is read then)
	 */
	List<OutboxEntry> takeCommitted(long maxBytes) {
		forgetCommittedUpTo(this.lastSent);
		List<OutboxEntry> entries = new ArrayList<>();
		if (this.committed.isEmpty() || this.committed.firstKey() != this.lastSent + 1) {
			return entries;
		}
		long bytes = 0;
		long next = this.lastSent + 1;
		for (OutboxEntry entry : this.committed.values()) {
			if (entry.clientVersion() != next || entries.size() >= MAX_CHANGESETS_PER_UPLOAD
					|| (!entries.isEmpty() && bytes + entry.byteSize() > maxBytes)) {
				break;
			}
			entries.add(entry);
			bytes += entry.byteSize();
			next++;
		}
		return entries;
	}

	private void forgetCommittedUpTo(long clientVersion) {
		while (!this.committed.isEmpty() && this.committed.firstKey() <= clientVersion) {
			this.committedBytes -= this.committed.pollFirstEntry().getValue().byteSize();
		}
	}

}
