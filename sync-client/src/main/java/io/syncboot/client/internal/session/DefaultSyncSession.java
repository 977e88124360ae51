package io.syncboot.client.internal.session;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.syncboot.client.ConnectionState;
import io.syncboot.client.ConnectionStateListener;
import io.syncboot.client.ListenerToken;
import io.syncboot.client.SessionStateListener;
import io.syncboot.client.StopPolicy;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncErrorHandler;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import io.syncboot.client.SyncUser;
import io.syncboot.client.internal.store.CommitResult;
import io.syncboot.client.internal.store.SqliteStore;
import io.syncboot.core.protocol.SyncMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application-facing session of one local file: its state machine (under its own lock), its
 * connection state as reported by the loop, listeners and waits. It starts a
 * {@link ProtocolSession} on the loop when it becomes active and stops it when it stops being
 * active. Thread-safe.
 */
public final class DefaultSyncSession implements SyncSession {

	private static final Logger logger = LoggerFactory.getLogger(DefaultSyncSession.class);

	private final EngineContext engine;

	private final Path path;

	private final Supplier<Optional<String>> tokens;

	private final Object lock = new Object();

	private final ListenerList<SessionStateListener> stateListeners;

	private final ListenerList<ConnectionStateListener> connectionListeners;

	private final SessionWaits waits;

	private SyncConfiguration configuration; // guarded by lock

	private SyncSessionState state = SyncSessionState.INACTIVE; // guarded by lock

	private ConnectionState connectionState = ConnectionState.DISCONNECTED; // guarded by lock

	private @Nullable SqliteStore store; // guarded by lock

	private volatile @Nullable DefaultSyncDatabase database; // written under lock

	private final SessionDriver driver;

	public DefaultSyncSession(EngineContext engine, SyncConfiguration configuration, Path path,
			Supplier<Optional<String>> tokens) {
		this.engine = engine;
		this.configuration = configuration;
		this.path = path;
		this.tokens = tokens;
		this.stateListeners = new ListenerList<>(engine.notifier());
		this.connectionListeners = new ListenerList<>(engine.notifier());
		this.waits = new SessionWaits(engine.notifier());
		this.driver = new SessionDriver(engine);
	}

	// ---------------------------------------------------------------- lifecycle (manager and database)

	/**
	 * Opens the session's database handle, reusing the store if it is still open (a dying or
	 * live-indefinitely session), and makes the session active.
	 * @throws IllegalStateException if a handle is open or the session is invalid
	 */
	public DefaultSyncDatabase openDatabase(SyncConfiguration configuration) {
		synchronized (this.lock) {
			if (this.database != null) {
				throw new IllegalStateException("the database of user '" + configuration.user().id() + "' and partition '"
						+ configuration.partition() + "' is already open; close it before opening it again");
			}
			if (this.state == SyncSessionState.INVALID) {
				throw new IllegalStateException("the session of " + this.path + " is invalid");
			}
			SqliteStore current = this.store;
			if (current == null || current.isClosed()) {
				current = SqliteStore.open(this.path, this.engine.codec(), System::currentTimeMillis,
						this.engine.maxChangesetBytes());
				this.store = current;
			}
			this.configuration = configuration;
			DefaultSyncDatabase opened = new DefaultSyncDatabase(this.engine, configuration, current, this);
			this.database = opened;
			activate();
			return opened;
		}
	}

	/** The database handle was closed: follow the stop policy. */
	void databaseClosed(DefaultSyncDatabase closed) {
		SqliteStore release = null;
		synchronized (this.lock) {
			if (this.database != closed) {
				return;
			}
			this.database = null;
			StopPolicy policy = this.configuration.stopPolicy();
			boolean active = this.state == SyncSessionState.ACTIVE;
			if (active && policy == StopPolicy.LIVE_INDEFINITELY) {
				return;
			}
			if (active && policy == StopPolicy.AFTER_CHANGES_UPLOADED && this.store != null
					&& !this.store.meta().allUploaded()) {
				become(SyncSessionState.DYING);
				return;
			}
			if (this.state == SyncSessionState.ACTIVE || this.state == SyncSessionState.DYING) {
				become(SyncSessionState.INACTIVE);
				postStop();
			}
			release = this.store;
			this.store = null;
		}
		closeStore(release);
	}

	/** The manager is closing: invalid, no report, store closed by the caller after the engine stopped. */
	public @Nullable SqliteStore shutdown() {
		synchronized (this.lock) {
			invalidate(null);
			DefaultSyncDatabase handle = this.database;
			if (handle != null) {
				handle.markClosed();
			}
			this.database = null;
			SqliteStore release = this.store;
			this.store = null;
			return release;
		}
	}

	/** The user logged out: invalid, databases stay open for local use. */
	public void userLoggedOut() {
		synchronized (this.lock) {
			invalidate(null);
		}
	}

	/** Whether a database handle is open. */
	public boolean hasOpenDatabase() {
		synchronized (this.lock) {
			return this.database != null;
		}
	}

	/** The open database handle, if any. */
	public Optional<DefaultSyncDatabase> database() {
		synchronized (this.lock) {
			return Optional.ofNullable(this.database);
		}
	}

	/** The file of this session. */
	public Path path() {
		return this.path;
	}

	SessionWaits waits() {
		return this.waits;
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
		synchronized (this.lock) {
			return this.connectionState;
		}
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
			postStop();
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
			if (this.state == SyncSessionState.INACTIVE && this.database != null) {
				activate();
			}
		}
	}

	@Override
	public void reconnect() {
		this.driver.post(ProtocolSession::reconnectNow);
	}

	@Override
	public ListenerToken addStateListener(SessionStateListener listener) {
		return this.stateListeners.add(Checks.notNull(listener, "listener"));
	}

	@Override
	public ListenerToken addConnectionStateListener(ConnectionStateListener listener) {
		return this.connectionListeners.add(Checks.notNull(listener, "listener"));
	}

	@Override
	public CompletableFuture<Void> waitForUploadCompletion() {
		synchronized (this.lock) {
			if (this.state == SyncSessionState.INVALID) {
				return CompletableFuture.failedFuture(invalidError());
			}
			SqliteStore current = this.store;
			if (current == null) {
				return CompletableFuture.failedFuture(new IllegalStateException(
						"the database of session " + this.path + " is closed"));
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
			future = this.waits.download();
		}
		this.driver.post(ProtocolSession::sendMarks);
		return future;
	}

	@Override
	public boolean uploadAllLocalChanges(Duration timeout) {
		return SessionWaits.await(this.engine, waitForUploadCompletion(), Checks.positive(timeout, "timeout"));
	}

	@Override
	public boolean downloadAllServerChanges(Duration timeout) {
		return SessionWaits.await(this.engine, waitForDownloadCompletion(), Checks.positive(timeout, "timeout"));
	}

	// ---------------------------------------------------------------- from the engine

	/** The loop reports a connection state of {@code source}; stale sources are ignored. */
	void connectionChanged(ProtocolSession source, ConnectionState newState, @Nullable Throwable error) {
		if (!this.driver.isCurrent(source)) {
			return;
		}
		setConnectionState(newState, error);
	}

	/** A download was committed: notify the database's listeners (store thread, under the store's lock). */
	void notifyRemoteChange(CommitResult result) {
		DefaultSyncDatabase handle = this.database;
		if (handle != null && result.hasChanges()) {
			handle.changed(result, true);
		}
	}

	/** A download was applied (store thread). */
	void downloadApplied(CommitResult result) {
		SqliteStore release = null;
		synchronized (this.lock) {
			this.waits.uploaded(result.meta().uploadAck());
			if (this.state == SyncSessionState.DYING && result.meta().allUploaded()) {
				become(SyncSessionState.INACTIVE);
				postStop();
				release = this.store;
				this.store = null;
			}
		}
		closeStore(release);
	}

	/** A MARK came back and every download before it is applied (store thread). */
	void markReached(long requestId) {
		this.waits.downloaded(requestId);
	}

	/** A local write committed (application thread): upload it. */
	void localCommitted() {
		this.driver.post(ProtocolSession::localCommitted);
	}

	/** A fatal error from the server or a protocol violation (loop). */
	void fatalError(ProtocolSession source, SyncMessage.Error error) {
		if (!this.driver.isCurrent(source)) {
			return;
		}
		logger.warn("Session {} ended: {} {}", this.path, error.code(), error.message());
		synchronized (this.lock) {
			invalidate(SyncErrors.of(error, true));
		}
	}

	/** A non-fatal error to report (loop). */
	void reportWarning(SyncMessage.Error error) {
		report(SyncErrors.of(error, false));
	}

	// ---------------------------------------------------------------- internals

	private void activate() { // guarded by lock
		become(SyncSessionState.ACTIVE);
		this.engine.loop().post(this::startProtocol);
	}

	private void startProtocol() { // loop
		SqliteStore current;
		String userId;
		String partition;
		synchronized (this.lock) {
			if (this.state != SyncSessionState.ACTIVE && this.state != SyncSessionState.DYING) {
				return;
			}
			current = this.store;
			userId = this.configuration.user().id();
			partition = this.configuration.partition();
		}
		if (current != null) {
			this.driver.start(this, current, userId, partition, this.tokens);
		}
	}

	/** Stops the running protocol session; an activation after this call starts a new one. */
	private void postStop() { // guarded by lock
		this.engine.loop().post(() -> {
			if (this.driver.stop()) {
				setConnectionState(ConnectionState.DISCONNECTED, null);
			}
		});
	}

	private void invalidate(@Nullable SyncError error) { // guarded by lock
		if (this.state == SyncSessionState.INVALID) {
			return;
		}
		become(SyncSessionState.INVALID);
		postStop();
		this.waits.failAll(invalidError());
		if (error != null) {
			report(error);
		}
	}

	private void become(SyncSessionState newState) { // guarded by lock
		SyncSessionState old = this.state;
		if (old == newState) {
			return;
		}
		this.state = newState;
		logger.debug("Session {}: {} -> {}", this.path, old, newState);
		this.stateListeners.notifyAll(listener -> listener.onStateChanged(old, newState));
	}

	private void setConnectionState(ConnectionState newState, @Nullable Throwable error) {
		synchronized (this.lock) {
			ConnectionState old = this.connectionState;
			if (old == newState) {
				return;
			}
			if (newState != ConnectionState.DISCONNECTED && this.state != SyncSessionState.ACTIVE
					&& this.state != SyncSessionState.DYING) {
				return;
			}
			this.connectionState = newState;
			Throwable reported = (newState == ConnectionState.DISCONNECTED) ? error : null;
			this.connectionListeners.notifyAll(listener -> listener.onConnectionStateChanged(old, newState, reported));
		}
	}

	private void report(SyncError error) {
		SyncErrorHandler handler;
		synchronized (this.lock) {
			handler = this.configuration.errorHandler();
		}
		SyncErrors.report(this.engine, handler, this, error);
	}

	private IllegalStateException invalidError() {
		return new IllegalStateException("the session of " + this.path + " is invalid");
	}

	private void closeStore(@Nullable SqliteStore release) {
		if (release != null) {
			this.driver.release(release);
		}
	}

	@Override
	public String toString() {
		return "SyncSession{" + this.path + ", " + state() + ", " + connectionState() + "}";
	}

}
