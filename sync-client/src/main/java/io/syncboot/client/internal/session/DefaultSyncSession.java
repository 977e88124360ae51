package io.syncboot.client.internal.session;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.syncboot.client.ConnectionState;
import io.syncboot.client.ConnectionStateListener;
import io.syncboot.client.ErrorAction;
import io.syncboot.client.SyncError;
import io.syncboot.client.ListenerToken;
import io.syncboot.client.ProgressDirection;
import io.syncboot.client.ProgressListener;
import io.syncboot.client.ProgressMode;
import io.syncboot.client.ProgressNotificationToken;
import io.syncboot.client.SessionStateListener;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import io.syncboot.client.SyncUser;
import io.syncboot.client.internal.concurrent.Cancellable;
import io.syncboot.client.internal.store.CommitResult;
import io.syncboot.client.internal.store.OutboxEntry;
import io.syncboot.client.internal.store.SqliteStore;
import io.syncboot.core.protocol.ProtocolAction;
import io.syncboot.core.protocol.SyncMessage;
import org.jspecify.annotations.Nullable;
/**
 * The application-facing session of one local file: the {@link SyncSession} API over its
 * {@link SessionStateMachine}, the events of the engine, and the loop side that starts a
 * {@link ProtocolSession} while the session is active or dying, keeps it while the session waits
 * for an access token, and stops it when the session becomes inactive or invalid. Thread-safe.
 */
public final class DefaultSyncSession extends SessionStateMachine implements SyncSession {

	/** The longest wait before binding again after local failures in a row. */
	static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(5);

	private final AtomicInteger applyFailures = new AtomicInteger(); // failed applies in a row

	private Cancellable applyRetry = Cancellable.NONE; // loop thread only

	private boolean applyRetryPending; // loop thread only: no protocol session starts before applyRetry

	public DefaultSyncSession(EngineContext engine, SyncConfiguration configuration, Path path, TokenSource tokens) {
		super(engine, configuration, path, tokens);
	}

	@Override
	DefaultSyncSession self() {
		return this;
	}

	// ---------------------------------------------------------------- SyncSession

	@Override
	public SyncSessionState state() {
		synchronized (this.lock) {
			return this.state;
		}
	}

	@Override
	public ConnectionState connectionState() {
		return this.connection.state();
	}

	@Override
	public Optional<SyncUser> parentUser() {
		synchronized (this.lock) {
			return (this.state == SyncSessionState.INVALID) ? Optional.empty() : Optional.of(this.configuration.user());
		}
	}

	@Override
	public Optional<SyncConfiguration> configuration() {
		synchronized (this.lock) {
			return (this.state == SyncSessionState.INVALID) ? Optional.empty() : Optional.of(this.configuration);
		}
	}

	@Override
	public void suspend() {
		SqliteStore release = null;
		synchronized (this.lock) {
			if (this.state == SyncSessionState.INACTIVE || this.state == SyncSessionState.INVALID) {
				return;
			}
			become(SyncSessionState.INACTIVE);
			postReconcile();
			if (this.database == null) {
				release = this.store;
				this.store = null;
			}
		}
		closeStore(release);
	}

	@Override
	public void resume() {
		synchronized (this.lock) {
			if (this.resetPending != null) {
				// it would only meet the same reset: the session waits for the action token
				logger.debug("Session {} not resumed: a client reset waits for its action token", this.path);
				return;
			}
			if (this.state == SyncSessionState.INACTIVE && this.database != null) {
				activate();
			}
		}
	}

	@Override
	public void reconnect() {
		synchronized (this.lock) {
			if (!isRunning()) {
				return;
			}
		}
		this.driver.post(ProtocolSession::reconnectNow);
		// a session waiting to bind again after failed applies binds now, as a connection would connect
		this.engine.loop().post(() -> {
			if (this.applyRetryPending) {
				this.applyRetry.cancel();
				retryAfterFailedApply();
			}
		});
	}

	@Override
	public Optional<ProgressNotificationToken> addProgressNotification(ProgressDirection direction, ProgressMode mode,
			ProgressListener listener) {
		Checks.notNull(direction, "direction");
		Checks.notNull(mode, "mode");
		Checks.notNull(listener, "listener");
		synchronized (this.lock) {
			if (this.state == SyncSessionState.INVALID) {
				return Optional.empty();
			}
			return this.progress.register(direction, mode, listener);
		}
	}

	@Override
	public ListenerToken addStateListener(SessionStateListener listener) {
		return this.stateListeners.add(Checks.notNull(listener, "listener"));
	}

	@Override
	public ListenerToken addConnectionStateListener(ConnectionStateListener listener) {
		return this.connection.addListener(Checks.notNull(listener, "listener"));
	}

	@Override
	public CompletableFuture<Void> waitForUploadCompletion() {
		synchronized (this.lock) {
			if (this.state == SyncSessionState.INVALID) {
				return CompletableFuture.failedFuture(invalidError());
			}
			if (this.resetPending != null) {
				return CompletableFuture.failedFuture(resetPendingError());
			}
			SqliteStore current = this.store;
			if (current == null) {
				return CompletableFuture.failedFuture(databaseClosedError());
			}
			return this.waits.upload(current.meta().lastCommittedClientVersion(), current.meta().uploadAck());
		}
	}

	@Override
	public CompletableFuture<Void> waitForDownloadCompletion() {
		CompletableFuture<Void> future;
		synchronized (this.lock) {
			if (this.state == SyncSessionState.INVALID) {
				return CompletableFuture.failedFuture(invalidError());
			}
			if (this.resetPending != null) {
				return CompletableFuture.failedFuture(resetPendingError());
			}
			if (this.store == null) {
				return CompletableFuture.failedFuture(databaseClosedError());
			}
			future = this.waits.download();
		}
		this.driver.post(ProtocolSession::sendMarks);
		return future;
	}

	@Override
	public boolean uploadAllLocalChanges(Duration timeout) {
		return SessionWaits.await(this.engine, Checks.positive(timeout, "timeout"), this::waitForUploadCompletion);
	}

	@Override
	public boolean downloadAllServerChanges(Duration timeout) {
		return SessionWaits.await(this.engine, Checks.positive(timeout, "timeout"), this::waitForDownloadCompletion);
	}

	/**
	 * Runs the action of this session's pending manual client reset in place, if its database is
	 * open: backs the file up to the action's backup path, resets it and makes the session active
	 * again. Blocks until the file is reset (application thread).
	 * @return {@code false} if no reset is pending or the database is closed (move the file instead)
	 * @throws java.io.UncheckedIOException if the backup or the reset failed; nothing changed then
	 */
	public boolean resetInPlace(PendingAction action) {
		return ClientResets.resetNow(this, action);
	}

	// ---------------------------------------------------------------- from the engine

	/** The loop reports a connection state of {@code source}; stale sources are ignored. */
	void connectionChanged(ProtocolSession source, ConnectionState newState, @Nullable Throwable error) {
		if (!this.driver.isCurrent(source)) {
			return;
		}
		synchronized (this.lock) {
			if (this.driver.epoch() != this.epoch) {
				// of an activation that ended (suspended since): its stop is queued on the loop, and
				// the protocol session of the next activation reports for itself
				return;
			}
			setConnectionState(newState, error);
		}
	}

	/** A download was committed: notify the database's listeners (store thread, under the store's lock). */
	void notifyRemoteChange(CommitResult result) {
		DefaultSyncDatabase handle = this.database;
		if (handle != null && result.hasChanges()) {
			handle.changed(result, true);
		}
	}

	/** A download was applied (store thread). */
	void downloadApplied(CommitResult result, long downloadedBytes, long remainingBytes) {
		this.progress.uploadChanged();
		if (remainingBytes == 0) {
			ClientResets.downloadComplete(this);
		}
		this.progress.downloaded(downloadedBytes, remainingBytes);
		SqliteStore release = null;
		synchronized (this.lock) {
			this.waits.uploaded(result.meta().uploadAck());
			if (this.state == SyncSessionState.DYING && result.meta().allUploaded()) {
				become(SyncSessionState.INACTIVE);
				postReconcile();
				release = this.store;
				this.store = null;
			}
		}
		closeStore(release);
		this.applyFailures.set(0); // only once all of it went through
	}

	/** A MARK came back and every download before it is applied (store thread). */
	void markReached(long requestId) {
		this.waits.downloaded(requestId);
	}

	/** A local write committed (application thread): upload it. */
	void localCommitted(SqliteStore store, @Nullable OutboxEntry entry) {
		this.progress.uploadChanged();
		this.driver.postIfRunning(protocol -> protocol.localCommitted(store, entry));
	}

	/** The server said the token expired (loop): wait for a new one; the connection restarts with it. */
	void tokenRejected(ProtocolSession source) {
		if (!this.driver.isCurrent(source)) {
			return;
		}
		synchronized (this.lock) {
			if (this.state == SyncSessionState.ACTIVE) {
				become(SyncSessionState.WAITING_FOR_ACCESS_TOKEN);
			}
		}
		this.tokens.tokenRefused();
		this.tokens.requestRefresh();
	}

	/**
	 * A fatal error from the server or a protocol violation (loop): a client reset runs per the
	 * mode, permission denied leaves an action token, an invalid token logs the user out, anything
	 * else ends the session.
	 */
	void fatalError(ProtocolSession source, SyncMessage.Error error) {
		if (!this.driver.isCurrent(source)) {
			return;
		}
		ProtocolAction action = error.action();
		if (action == ProtocolAction.CLIENT_RESET) {
			ClientResets.start(this, source, error);
			return;
		}
		logger.warn("Session {} ended: {} {}", this.path, error.code(), error.message());
		if (action == ProtocolAction.LOG_OUT) {
			this.tokens.tokenInvalid(error.code().number() + " " + error.message());
			synchronized (this.lock) {
				invalidate(SyncErrors.of(error, true));
			}
			return;
		}
		if (action == ProtocolAction.DELETE_DATABASE) {
			PendingAction pending = new PendingAction(this.engine, PendingAction.Kind.DELETE, this.path, null);
			ClientResets.record(this, pending);
			synchronized (this.lock) {
				invalidate(new SyncError(error.code().number(), error.message(), true, ErrorAction.DELETE_DATABASE, pending,
						null, error.documents()));
			}
			return;
		}
		synchronized (this.lock) {
			invalidate(SyncErrors.of(error, true));
		}
	}

	/** The server said the connection's token expired (loop): wait for a new one. */
	void connectionTokenExpired(ProtocolSession source) {
		tokenRejected(source);
	}

	/** A non-fatal error to report (loop). */
	void reportWarning(SyncMessage.Error error) {
		report(SyncErrors.of(error, false));
	}

	// ---------------------------------------------------------------- loop side

	/**
	 * Brings the loop side in line with the state as it is when this runs (so tasks posted by quick
	 * state changes cannot undo each other): a protocol session runs while active or dying, keeps
	 * running while waiting for a token, and is stopped otherwise.
	 */
	private void reconcile() { // loop
		SqliteStore current;
		String userId;
		String partition;
		boolean keep;
		int currentEpoch;
		synchronized (this.lock) {
			currentEpoch = this.epoch;
			current = (this.state == SyncSessionState.ACTIVE || this.state == SyncSessionState.DYING) ? this.store : null;
			keep = this.state == SyncSessionState.WAITING_FOR_ACCESS_TOKEN;
			userId = this.configuration.user().id();
			partition = this.configuration.partition();
		}
		if (current != null) {
			if (this.applyRetryPending) {
				return; // binds again when the delay after failed applies is over (or on reconnect)
			}
			this.driver.start(this, current, currentEpoch, userId, partition, this.tokens::forConnection);
		}
		else if (!keep && this.driver.stop()) {
			setConnectionState(ConnectionState.DISCONNECTED, null);
		}
	}

	/**
	 * Local work of the protocol session failed (loop): applying downloads, or other work on the
	 * local database. The protocol session stops (unbinds; the downloads it still receives are
	 * dropped) and starts again after a delay that grows with the failures in a row (until a download
	 * is applied), its ident asking for everything after the stored cursor, the work redone from the
	 * stored state. The connection and the user's other sessions on it go on.
	 * @param what what failed, for the log ("applying downloads")
	 */
	void localFailure(ProtocolSession source, String what, Throwable cause) {
		if (!this.driver.isCurrent(source)) {
			logger.debug("{} for {} failed on a stopped protocol session: {}", what, this.path, cause.toString());
			return;
		}
		int failures = this.applyFailures.incrementAndGet();
		Duration delay = retryDelay(failures);
		if (failures == 1) {
			logger.error("{} for {} failed; binding again in {}", what, this.path, delay, cause);
		}
		else {
			logger.warn("{} for {} failed again ({} times in a row: {}); binding again in {}", what, this.path,
					failures, cause.toString(), delay);
		}
		this.driver.stop();
		setConnectionState(ConnectionState.DISCONNECTED,
				new IllegalStateException(what + " failed: " + cause, cause));
		this.applyRetry.cancel();
		this.applyRetryPending = true;
		this.applyRetry = this.engine.loop().schedule(delay, this::retryAfterFailedApply);
	}

	/** How long to wait before binding again after {@code failures} local failures in a row. */
	static Duration retryDelay(int failures) {
		long seconds = 1L << Math.min(Math.max(failures, 1) - 1, 20);
		return (seconds >= MAX_RETRY_DELAY.toSeconds()) ? MAX_RETRY_DELAY : Duration.ofSeconds(seconds);
	}

	/** The delay after failed applies is over, or a reconnect cut it short (loop): bind again if active. */
	private void retryAfterFailedApply() {
		this.applyRetryPending = false;
		reconcile();
	}

	/** Lets the loop start or stop the protocol session to match the state. */
	@Override
	void postReconcile() { // guarded by lock
		this.engine.loop().post(this::reconcile);
	}

	@Override
	public String toString() {
		return "SyncSession{" + this.path + ", " + state() + ", " + connectionState() + "}";
	}

}
