package io.syncboot.client.internal.session;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.syncboot.client.ConnectionState;
import io.syncboot.client.internal.connection.Connection;
import io.syncboot.client.internal.connection.ConnectionSession;
import io.syncboot.client.internal.store.CommitResult;
import io.syncboot.client.internal.store.OutboxEntry;
import io.syncboot.client.internal.store.SqliteStore;
import io.syncboot.client.internal.store.StoreException;
import io.syncboot.client.internal.store.StoreMeta;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolAction;
import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol side of one active session on one {@link Connection}: bind, ident (storing a newly
 * allocated client file id first), uploads of the outbox with a bounded number in flight, downloads
 * applied on the store thread (a failed apply drops the downloads not applied and refuses those that
 * follow; its owner stops this protocol session and starts another, whose ident downloads them
 * again), and MARK round trips.
 * A local changeset committed while its predecessors are sent is uploaded from the committed entry
 * the application thread hands over, without reading the outbox back; any other upload reads the
 * outbox on the store thread. The upload bookkeeping is kept by an {@link UploadWindow}, the
 * received downloads by a {@link DownloadQueue}. Loop thread only; store work is posted to the
 * store thread and its results posted back, tagged with the binding they belong to so results of
 * an older binding are dropped.
 */
final class ProtocolSession implements ConnectionSession {

	private static final Logger logger = LoggerFactory.getLogger(ProtocolSession.class);

	private enum Phase {

		IDLE, BINDING, IDENTIFYING, READY

	}

	private final DefaultSyncSession owner;

	private final EngineContext engine;

	private final SqliteStore store;

	private final Connection connection;

	private final String partition;

	private Phase phase = Phase.IDLE; // loop thread only

	private long sessionId; // loop thread only

	private int binding; // loop thread only

	private boolean stopped; // loop thread only


	private boolean reading; // loop thread only

	private final Set<Long> marksSent = new HashSet<>(); // loop thread only

	private final UploadWindow uploads = new UploadWindow(); // loop thread only

	private final DownloadQueue received = new DownloadQueue(); // thread-safe

	private boolean readingPaused; // loop thread only: this session asked the connection not to read

	private long integratedAtIdent; // loop thread only: the file's last integrated client version the server told

	ProtocolSession(DefaultSyncSession owner, EngineContext engine, SqliteStore store, Connection connection,
			String partition) {
		this.owner = owner;
		this.engine = engine;
		this.store = store;
		this.connection = connection;
		this.partition = partition;
	}

	/** The local file it syncs. */
	SqliteStore store() {
		return this.store;
	}

	void start() {
		this.engine.loop().assertInLoop();
		this.connection.attach(this);
	}

	/**
	 * Ends this protocol session (loop thread). The downloads received are applied before any store
	 * work posted from now on (a client reset needs the acknowledgements they carry).
	 */
	void stop() {
		this.engine.loop().assertInLoop();
		this.stopped = true;
		applyReceivedBeforeWhatFollows();
		this.binding++;
		this.phase = Phase.IDLE;
		this.readingPaused = false;
		this.connection.detach(this);
	}

	/**
	 * The server released the session (a client reset follows): send nothing more on this binding;
	 * the downloads received before are applied before the reset (as in {@link #stop()}).
	 */
	void halt() {
		this.engine.loop().assertInLoop();
		this.stopped = true;
		applyReceivedBeforeWhatFollows();
		this.binding++;
		this.phase = Phase.IDLE;
	}

	/**
	 * Posts the apply of every download received so far (nothing more is queued once stopped), so
	 * that it runs before store work posted after this, even while an apply task that lets other
	 * work run between its batches is under way.
	 */
	private void applyReceivedBeforeWhatFollows() {
		if (!onStoreAfterReceived(applied -> {
		})) {
			clearReceived();
		}
	}

	@Override
	public void onTokenExpired() {
		this.owner.connectionTokenExpired(this);
	}

	/**
	 * A local commit happened: upload it if there is room, from {@code entry} (the outbox entry
	 * it appended to {@code store}) when it follows what was sent.
	 */
	void localCommitted(SqliteStore store, @Nullable OutboxEntry entry) {
		if (entry != null && store == this.store) {
			this.uploads.committed(entry);
		}
		requestUploads();
	}

	/** Sends the MARKs of download waits not sent on this binding yet. */
	void sendMarks() {
		if (this.phase != Phase.READY || this.stopped) {
			return;
		}
		for (long requestId : this.owner.waits().pendingDownloads()) {
			if (this.marksSent.add(requestId)) {
				this.connection.send(new SyncMessage.Mark(this.sessionId, requestId));
			}
		}
	}

	/** Skips the backoff delay of the connection. */
	void reconnectNow() {
		this.connection.reconnectNow();
	}

	@Override
	public void onConnecting() {
		this.owner.connectionChanged(this, ConnectionState.CONNECTING, null);
	}

	@Override
	public void onConnected() {
		int current = ++this.binding;
		this.phase = Phase.IDLE;
		// the ident carries the stored cursor: after the downloads the former connection brought
		onStoreAfterReceived(applied -> {
			if (!applied) {
				return; // the owner binds this session again
			}
			StoreMeta meta = this.store.meta();
			this.engine.loop().post(() -> bindWith(current, meta));
		});
	}

	private void bindWith(int current, StoreMeta meta) {
		if (current != this.binding || this.stopped || this.connection.state() != ConnectionState.CONNECTED) {
			return;
		}
		this.sessionId = this.connection.bind(this, this.partition, meta.clientFileId() == 0);
		this.owner.connectionChanged(this, ConnectionState.CONNECTED, null);
		if (meta.clientFileId() == 0) {
			this.phase = Phase.BINDING;
		}
		else {
			sendIdent(meta);
		}
	}

	private void sendIdent(StoreMeta meta) {
		this.connection.send(new SyncMessage.Ident(this.sessionId, meta.clientFileId(), meta.fileSalt(),
				meta.downloadCursor(), meta.downloadSalt(), meta.serverSalt()));
		this.phase = Phase.READY;
		this.received.identified();
		this.uploads.restartAfter(meta.uploadAck());
		this.marksSent.clear();
		requestUploads();
		sendMarks();
	}

	@Override
	public void onMessage(SyncMessage message) {
		if (this.stopped) {
			return;
		}
		if (message instanceof SyncMessage.Ident ident) {
			received(ident);
		}
		else if (message instanceof SyncMessage.Download download) {
			received(download);
		}
		else if (message instanceof SyncMessage.Mark mark) {
			received(mark);
		}
		else if (message instanceof SyncMessage.Error error) {
			received(error);
		}
		else if (message instanceof SyncMessage.Unbind) {
			logger.debug("The server released session {} of {}", this.sessionId, this.partition);
		}
		else {
			violation("unexpected " + message.getClass().getSimpleName() + " from the server");
		}
	}

	private void received(SyncMessage.Ident ident) {
		if (this.phase != Phase.BINDING) {
			violation("unexpected ident from the server in phase " + this.phase);
			return;
		}
		this.phase = Phase.IDENTIFYING;
		int current = this.binding;
		onStore(() -> {
			StoreMeta meta = this.store.assignClientFileId(ident.clientFileId(), ident.fileSalt(), ident.serverSalt());
			this.engine.loop().post(() -> {
				if (current == this.binding && !this.stopped) {
					sendIdent(meta);
				}
			});
		});
	}

	/**
	 * A MARK came back: its wait completes once the downloads received before it are applied and
	 * flushed to the device, on the store thread, which applies those still waiting first (applies
	 * are not flushed one by one: see {@link SqliteStore}). If some were dropped (an apply
	 * failed), before the MARK came or until it is processed, it is ignored: the session binds again
	 * and the MARK is sent again after the next ident.
	 */
	private void received(SyncMessage.Mark mark) {
		if (this.received.isStale()) {
			logger.debug("MARK {} of {} ignored: downloads before it were dropped", mark.requestId(), this.partition);
			return;
		}
		long generation = this.received.generation();
		onStoreAfterReceived(applied -> {
			if (!applied || this.received.generation() != generation) {
				logger.debug("MARK {} of {} ignored: downloads before it were dropped", mark.requestId(),
						this.partition);
				return;
			}
			this.store.flushDownloads();
			this.owner.markReached(mark.requestId());
		});
	}

	private void received(SyncMessage.Download download) {
		if (this.phase != Phase.READY) {
			violation("download before ident (phase " + this.phase + ")");
			return;
		}
		DownloadQueue.Added added = this.received.add(download);
		if (added.refused()) {
			logger.debug("Download up to {} of {} dropped: downloads before it were dropped; it comes again after "
					+ "the next ident", download.serverVersion(), this.partition);
			return;
		}
		if (added.full() && !this.readingPaused) {
			this.readingPaused = true;
			this.connection.pauseReading(this);
		}
		if (added.post() && !onStore(this::applyReceived)) {
			clearReceived();
		}
	}

	/**
	 * Drops the downloads not applied yet and refuses those that follow until the next ident, which
	 * downloads them again from the stored cursor; lets the socket be read (what it brings is dropped).
	 */
	private void clearReceived() {
		this.received.clear();
		this.engine.loop().post(this::resumeReadingIfDrained);
	}

	/** Loop thread: lets the connection read again once the backlog is below half its bound. */
	private void resumeReadingIfDrained() {
		if (!this.readingPaused) {
			return;
		}
		if (!this.received.isDrained()) {
			return;
		}
		this.readingPaused = false;
		this.connection.resumeReading(this);
	}

	/**
	 * Applies the received downloads (store thread), those queued meanwhile together, in
	 * transactions of at most {@link DownloadQueue#MAX_ROWS_PER_APPLY} rows, until none is left; when
	 * other store work is due after a batch, it posts itself again instead, so the other sessions'
	 * binds, idents and waits run between the batches of a long download, not after all of it. Store
	 * work that must follow the downloads received before it (a MARK, a warning, the cursor read for
	 * an ident) applies those still waiting first ({@link #applyThrough}).
	 * <p>
	 * If an apply fails, whatever the failure (the database refused the write, a merge or a listener
	 * threw, memory ran out), the downloads not applied are dropped, those still coming on this
	 * binding are refused, and the owner stops this protocol session and starts another: its ident
	 * asks for everything after the stored cursor again, so nothing dropped is skipped. It is this
	 * session that starts over, not the connection the user's other sessions share, and
	 * failures in a row wait longer before that (1 s, doubling up to 5 minutes),
	 * so one that repeats, such as a corrupt local state, costs little. A download that breaks the
	 * protocol ends the session instead.
	 */
	private void applyReceived() {
		while (applyBatch(this.received.take()) && this.received.continueApplying()) {
			if (this.engine.storeThread().hasTaskDue()) {
				if (!onStore(this::applyReceived)) {
					clearReceived();
				}
				return;
			}
		}
	}

	/**
	 * Runs store work (as {@link #onStore}) once the downloads received until now (loop thread) are
	 * applied: those an apply task has not taken yet are applied first, so the work sees the cursor and
	 * acknowledgement they carry even while a long download lets other work run between its batches.
	 * {@code work} is told whether they were applied ({@code false}: an apply failed, they were dropped).
	 * @return {@code false} if the store thread is shut down
	 */
	private boolean onStoreAfterReceived(AfterReceived work) {
		long through = this.received.lastAdded();
		return onStore(() -> work.run(applyThrough(through)));
	}

	/** Store work that follows the downloads received before it. */
	private interface AfterReceived {

		void run(boolean applied);

	}

	/**
	 * Applies, in order, the received downloads up to the one of sequence number {@code sequence}
	 * (store thread): those an apply task has not taken yet.
	 * @return {@code false} if an apply failed (the failure is handled as in {@link #applyReceived()})
	 */
	private boolean applyThrough(long sequence) {
		while (!this.received.isTakenThrough(sequence)) {
			if (!applyBatch(this.received.take())) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Applies one batch taken from the received downloads (store thread).
	 * @return {@code false} if it failed: the downloads left are dropped and the failure handled
	 */
	private boolean applyBatch(List<SyncMessage.Download> batch) {
		this.engine.loop().post(this::resumeReadingIfDrained);
		if (batch.isEmpty()) {
			return true;
		}
		try {
			CommitResult result;
			try {
				result = this.store.applyDownloads(batch, this.owner::notifyRemoteChange);
			}
			catch (ProtocolException ex) {
				clearReceived();
				this.engine.loop().post(() -> violation(ex.code(), ex.getMessage()));
				return false;
			}
			this.owner.downloadApplied(result, result.downloadedBytes(), batch.get(batch.size() - 1).remainingBytes());
			long integrated = batch.stream().mapToLong(SyncMessage.Download::lastIntegratedClientVersion).max().orElse(0);
			this.engine.loop().post(() -> {
				acknowledged(result.meta().uploadAck());
				checkCopied(integrated, result.meta());
			});
			return true;
		}
		catch (RuntimeException | Error ex) {
			// refused first, then the owner is told (it logs, stops this session and binds again later)
			clearReceived();
			if (!this.store.isClosed()) { // else the session is stopping
				this.engine.loop().post(() -> {
					if (!this.stopped) {
						this.owner.localFailure(this, "Applying downloads", ex);
					}
				});
			}
			return false;
		}
	}

	private void received(SyncMessage.Error error) {
		ProtocolAction action = error.action();
		if (error.code() == ErrorCode.DIVERGING_HISTORIES) {
			// the server says the unsynced changesets are not what it has at those versions: the reset
			// (queued on the store thread after this) stamps them anew
			onStoreAfterReceived(applied -> this.store.forgetServerIntegratedVersion());
		}
		if (error.code().isFatal()) {
			this.owner.fatalError(this, error);
		}
		else if (action == ProtocolAction.WARNING) {
			// after the downloads received before it (a rejected write's compensation) are applied; told
			// even if they failed to apply (they come again after the next ident, the warning does not)
			onStoreAfterReceived(applied -> this.owner.reportWarning(error));
		}
		else if (action == ProtocolAction.REFRESH_TOKEN) {
			logger.debug("Session error {} ({}); refreshing the token", error.code(), error.message());
			this.owner.tokenRejected(this);
			this.connection.restart(error.code() + ": " + error.message());
		}
		else {
			logger.debug("Session error {} ({}); reconnecting", error.code(), error.message());
			this.connection.restart(error.code() + ": " + error.message());
		}
	}

	private void acknowledged(long ack) {
		this.uploads.acknowledged(ack);
		requestUploads();
	}

	/**
	 * Once the server said (in the first download after ident) that it integrated client versions of
	 * this file beyond the last it committed, another copy of the file wrote them (copied to another
	 * device, or this one restored from an older copy): its downloads leave them out, as the file's
	 * own, so it resets ({@code DIVERGING_HISTORIES}). Not before its own unacknowledged changesets are
	 * acknowledged: sent again, those the server has as sent are acknowledged (a reset must not commit
	 * them again with fresh stamps over later writes), and the first it has otherwise ends the session
	 * with that error from the server. Loop thread.
	 */
	private void checkCopied(long integrated, StoreMeta meta) {
		this.integratedAtIdent = Math.max(this.integratedAtIdent, integrated);
		if (this.integratedAtIdent > meta.lastCommittedClientVersion()
				&& meta.uploadAck() >= meta.lastCommittedClientVersion()) {
			violation(ErrorCode.DIVERGING_HISTORIES, "the server integrated client version " + this.integratedAtIdent
					+ " of this client file, beyond the last it committed (" + meta.lastCommittedClientVersion()
					+ "): another copy of the file wrote them");
		}
	}

	private void requestUploads() {
		if (this.phase != Phase.READY || this.stopped || this.reading
				|| this.uploads.isFull()) {
			return;
		}
		if (this.uploads.lastSent() >= this.store.meta().lastCommittedClientVersion()) {
			return;
		}
		List<OutboxEntry> committed = this.uploads.takeCommitted(this.engine.uploadBatchBytes());
		if (!committed.isEmpty()) {
			upload(this.binding, committed);
			return;
		}
		this.reading = true;
		int current = this.binding;
		long after = this.uploads.lastSent();
		boolean posted = onStore(() -> {
			List<OutboxEntry> entries;
			try {
				entries = this.store.readOutbox(after, this.engine.uploadBatchBytes(),
						UploadWindow.MAX_CHANGESETS_PER_UPLOAD);
			}
			finally {
				this.engine.loop().post(() -> this.reading = false);
			}
			this.engine.loop().post(() -> upload(current, entries));
		});
		if (!posted) {
			this.reading = false;
		}
	}

	private void upload(int current, List<OutboxEntry> entries) {
		if (current != this.binding || this.stopped || this.phase != Phase.READY) {
			return;
		}
		if (!entries.isEmpty()) {
			List<Changeset> changesets = entries.stream().map(OutboxEntry::toChangeset).toList();
			this.connection.send(new SyncMessage.Upload(this.sessionId, changesets));
			this.uploads.sent(entries);
		}
		requestUploads();
	}

	@Override
	public void onDisconnected(@Nullable Throwable error) {
		this.binding++;
		this.phase = Phase.IDLE;
		this.sessionId = 0;
		this.uploads.disconnected();
		this.owner.connectionChanged(this, ConnectionState.DISCONNECTED, error);
	}

	@Override
	public void onFatalError(SyncMessage.Error error) {
		this.stopped = true;
		this.owner.fatalError(this, error);
	}

	private void violation(String message) {
		violation(ErrorCode.MALFORMED_MESSAGE, message);
	}

	private void violation(ErrorCode code, String message) {
		if (this.stopped) {
			return;
		}
		if (code == ErrorCode.DIVERGING_HISTORIES) {
			// a download told that another copy of this file wrote versions it did not: not the server's
			// fault, the file's; reset as if the server said so
			logger.warn("Session {} on {}: {}", this.sessionId, this.partition, message);
			this.owner.fatalError(this, new SyncMessage.Error(this.sessionId, code, message, false, 0, List.of()));
			return;
		}
		logger.warn("Session {} on {}: the server broke the protocol: {}", this.sessionId, this.partition, message);
		ErrorCode reported = (code.action() == ProtocolAction.PROTOCOL_VIOLATION) ? code : ErrorCode.MALFORMED_MESSAGE;
		this.owner.fatalError(this, new SyncMessage.Error(this.sessionId, reported,
				"the server broke the protocol: " + message, false, 0, List.of()));
	}

	/**
	 * Runs store work on the store thread; a store closed meanwhile ends it quietly, any other
	 * failure (of the store, or an unexpected one) makes the owner stop this session and bind again
	 * later (the work is redone from the stored state), without restarting the connection the user's
	 * other sessions share: a session is never left bound with work that will not be done.
	 * @return {@code false} if the store thread is shut down
	 */
	private boolean onStore(Runnable work) {
		return this.engine.storeThread().post(() -> {
			if (this.store.isClosed()) {
				return;
			}
			try {
				work.run();
			}
			catch (RuntimeException ex) {
				if (this.store.isClosed() && !(ex instanceof StoreException)) {
					return; // closed while it ran: nothing is left to do
				}
				this.engine.loop().post(() -> {
					if (!this.stopped) {
						this.owner.localFailure(this, "Local database work", ex);
					}
				});
			}
		});
	}

}
