package io.syncboot.client.internal.session;

import java.util.Optional;

import io.syncboot.client.ProgressDirection;
import io.syncboot.client.ProgressListener;
import io.syncboot.client.ProgressMode;
import io.syncboot.client.ProgressNotificationToken;
import io.syncboot.client.internal.progress.ProgressTracker;
import io.syncboot.client.internal.store.SqliteStore;
import io.syncboot.client.internal.store.UploadCounters;
import org.jspecify.annotations.Nullable;

/**
 * Feeds a session's {@link ProgressTracker} from the engine. Upload: transferable = the bytes of
 * every local changeset committed since the session was created (the outbox at that time
 * included), transferred = the bytes of those the server acknowledged; read from the store's
 * {@link UploadCounters}, carried over when the store is closed and reopened. Download: transferred
 * = the bytes of server changesets and document states applied since the session was created,
 * transferable = that plus the last download message's {@code remainingBytes}; known from the first
 * download message on. Thread-safe (one lock; the tracker delivers on the progress executor).
 */
final class SessionProgress {

	private final ProgressTracker tracker;

	private final Object lock = new Object();

	private @Nullable SqliteStore store; // guarded by lock

	private long acknowledgedBefore; // guarded by lock: bytes acknowledged on stores closed before

	private long lastSequence = -1; // guarded by lock

	private long downloaded; // guarded by lock

	SessionProgress(EngineContext engine) {
		this.tracker = new ProgressTracker(engine.progressPool().newSerialExecutor());
	}

	/** The session uses {@code opened} from now on; reports its upload counters. */
	void storeOpened(SqliteStore opened) {
		synchronized (this.lock) {
			if (this.store != opened) {
				SqliteStore previous = this.store;
				if (previous != null) {
					this.acknowledgedBefore += previous.uploadCounters().acknowledged();
				}
				this.store = opened;
				this.lastSequence = -1;
			}
		}
		uploadChanged();
	}

	/** The store committed a local change or an acknowledgement: report the upload counters. Any thread. */
	void uploadChanged() {
		synchronized (this.lock) {
			SqliteStore current = this.store;
			if (current == null) {
				return;
			}
			UploadCounters counters = current.uploadCounters();
			if (counters.sequence() <= this.lastSequence) {
				return;
			}
			this.lastSequence = counters.sequence();
			long transferred = this.acknowledgedBefore + counters.acknowledged();
			this.tracker.update(ProgressDirection.UPLOAD, transferred, transferred + counters.pending());
		}
	}

	/** A download message was applied (store thread). */
	void downloaded(long bytes, long remainingBytes) {
		synchronized (this.lock) {
			this.downloaded += bytes;
			this.tracker.update(ProgressDirection.DOWNLOAD, this.downloaded, this.downloaded + remainingBytes);
		}
	}

	Optional<ProgressNotificationToken> register(ProgressDirection direction, ProgressMode mode,
			ProgressListener listener) {
		return this.tracker.register(direction, mode, listener);
	}

	/** The session became invalid: no more reports. */
	void close() {
		this.tracker.close();
	}

}
