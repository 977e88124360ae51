package io.syncboot.client.internal.session;

import java.nio.file.Path;
import java.util.Optional;

import io.syncboot.client.ConnectionState;
import io.syncboot.client.DatabaseSnapshot;
import io.syncboot.client.SessionStateListener;
import io.syncboot.client.StopPolicy;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncErrorHandler;
import io.syncboot.client.SyncSessionState;
import io.syncboot.client.internal.store.SqliteStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine of a {@link DefaultSyncSession}: its state and the transitions driven by the
 * manager, the database handle and the user's token (under one lock), its connection state, store,
 * listeners, waits and progress. The loop side is brought in line by {@link #postReconcile()}.
 * Thread-safe.
 */
abstract class SessionStateMachine {

	static final Logger logger = LoggerFactory.getLogger(DefaultSyncSession.class);

	final EngineContext engine;

	final Path path;

	final TokenSource tokens;

	final Object lock = new Object();

	final ListenerList<SessionStateListener> stateListeners;

	final SessionConnectionState connection;

	final SessionWaits waits;

	final SessionProgress progress;

	SyncConfiguration configuration; // guarded by lock

	SyncSessionState state = SyncSessionState.INACTIVE; // guarded by lock

	int epoch; // guarded by lock: counts the stops, so a stale protocol session is never reused

	@Nullable SqliteStore store; // guarded by lock

	volatile @Nullable DefaultSyncDatabase database; // written under lock

	final SessionDriver driver;

	boolean resetAwaitingDownload; // guarded by lock: an automatic client reset ran, no download applied since

	@Nullable DatabaseSnapshot resetBefore; // guarded by lock: the state before that reset, for the after-callback

	@Nullable PendingAction resetPending; // guarded by lock: a client reset handled as MANUAL waits for its action token

	SessionStateMachine(EngineContext engine, SyncConfiguration configuration, Path path,
			TokenSource tokens) {
		this.engine = engine;
		this.configuration = configuration;
		this.path = path;
		this.tokens = tokens;
		this.stateListeners = new ListenerList<>(engine.notifier());
		this.connection = new SessionConnectionState(engine);
		this.waits = new SessionWaits(engine.notifier());
		this.progress = new SessionProgress(engine);
		this.driver = new SessionDriver(engine);
	}

	/** The session this state machine belongs to. */
	abstract DefaultSyncSession self();

	/** Lets the loop start or stop the protocol session to match the state. */
	abstract void postReconcile(); // guarded by lock

	// ---------------------------------------------------------------- lifecycle (manager and database)

	/**
	 * Opens the session's database handle, reusing the store if it is still open (a dying or
	 * live-indefinitely session), and makes the session active.
	 * @throws IllegalStateException if a handle is open or the session is invalid
	 */
	public DefaultSyncDatabase openDatabase(SyncConfiguration configuration) {
		boolean reopening;
		synchronized (this.lock) {
			reopening = this.store == null || this.store.isClosed();
		}
		if (reopening) {
			// a previous store of the file may still be closing on the store thread, which may need
			// this session's lock first: wait outside it
			SqliteStore.awaitClosed(this.path, this.engine);
		}
		try {
			return openDatabaseLocked(configuration);
		}
		catch (StoreReleased ex) {
			// the store was released (its close queued) after the check above: wait for it and open anew
			SqliteStore.awaitClosed(this.path, this.engine);
			try {
				return openDatabaseLocked(configuration);
			}
			catch (StoreReleased again) {
				throw new IllegalStateException("the previous store of " + this.path + " did not close in time "
						+ "(the store thread is busy); open it again later");
			}
		}
	}

	/** The store this session held was released after {@link #openDatabase} looked: its close is queued. */
	private static final class StoreReleased extends RuntimeException {

		private static final long serialVersionUID = 1L;

		StoreReleased() {
			super(null, null, false, false);
		}

	}

	private DefaultSyncDatabase openDatabaseLocked(SyncConfiguration configuration) {
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
				if (SqliteStore.isOpenBy(this.path, this.engine)) {
					throw new StoreReleased(); // released meanwhile, its close still queued
				}
				current = SqliteStore.open(this.path, this.engine.codec(), System::currentTimeMillis,
						this.engine.maxChangesetBytes(), this.engine);
				this.store = current;
			}
			this.progress.storeOpened(current);
			this.configuration = configuration;
			DefaultSyncDatabase opened = new DefaultSyncDatabase(this.engine, configuration, current, self());
			this.database = opened;
			if (this.resetPending == null) {
				activate();
			}
			else {
				logger.info("Session {} stays inactive: a client reset waits for its action token", this.path);
			}
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
			if (policy == StopPolicy.LIVE_INDEFINITELY && (active || this.state == SyncSessionState.WAITING_FOR_ACCESS_TOKEN)) {
				return;
			}
			if (active && policy == StopPolicy.AFTER_CHANGES_UPLOADED && this.store != null
					&& !this.store.meta().allUploaded()) {
				become(SyncSessionState.DYING);
				return;
			}
			if (isRunning()) {
				become(SyncSessionState.INACTIVE);
				postReconcile();
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

	/**
	 * The user logged out, or its token could not be renewed: invalid, databases stay open for local
	 * use; {@code error}, if any, is reported.
	 */
	public void userLoggedOut(@Nullable SyncError error) {
		synchronized (this.lock) {
			invalidate(error);
		}
	}

	/** The user's token is about to expire: an active session waits for a new one, still connected. */
	public void tokenExpiring() {
		synchronized (this.lock) {
			if (this.state == SyncSessionState.ACTIVE) {
				become(SyncSessionState.WAITING_FOR_ACCESS_TOKEN);
			}
		}
	}

	/** The user has a new token: a waiting session becomes active. */
	public void tokenRefreshed() {
		synchronized (this.lock) {
			if (this.state == SyncSessionState.WAITING_FOR_ACCESS_TOKEN) {
				activate();
			}
		}
	}

	/**
	 * An error action is about to run on the file: the session is invalid, its database handle is
	 * marked closed and its store closed (waiting for queued store work unless on an engine thread).
	 */
	public void closeForAction() {
		SqliteStore release;
		synchronized (this.lock) {
			invalidate(null);
			DefaultSyncDatabase handle = this.database;
			if (handle != null) {
				handle.markClosed();
			}
			this.database = null;
			release = this.store;
			this.store = null;
		}
		closeStore(release);
	}

	/**
	 * A client reset is handled as {@code MANUAL}: the session becomes inactive (disconnected) until
	 * {@code pending} runs, its database handle stays open, the waits pending now fail (their work
	 * cannot complete on this file), a store without a handle is closed, and {@code error} is
	 * reported. Nothing happens if the session is invalid.
	 */
	void awaitResetAction(PendingAction pending, SyncError error) {
		SqliteStore release = null;
		synchronized (this.lock) {
			if (this.state == SyncSessionState.INVALID) {
				return;
			}
			this.resetPending = pending;
			become(SyncSessionState.INACTIVE);
			postReconcile();
			this.waits.failAll(resetPendingError());
			if (this.database == null) {
				release = this.store;
				this.store = null;
			}
		}
		closeStore(release);
		report(error);
	}

	/**
	 * The action of the pending client reset ran in place: the session forgets it and, if its
	 * database handle is still open, becomes active again (it binds as a new client file).
	 */
	void resetActionDone() {
		synchronized (this.lock) {
			if (this.resetPending == null || this.state == SyncSessionState.INVALID) {
				return;
			}
			this.resetPending = null;
			// a reset demanded again before a download completes falls back to MANUAL, as after an automatic one
			this.resetAwaitingDownload = true;
			this.resetBefore = null;
			if (this.state == SyncSessionState.INACTIVE && this.database != null) {
				activate();
			}
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

	// ---------------------------------------------------------------- internals

	/** Becomes active, or first waits for a token if the user's is about to expire. */
	void activate() { // guarded by lock
		if (this.tokens.refreshRequired()) {
			become(SyncSessionState.WAITING_FOR_ACCESS_TOKEN);
			this.tokens.requestRefresh();
			return;
		}
		become(SyncSessionState.ACTIVE);
		postReconcile();
	}

	/** Whether the session wants to sync (its protocol session may run). */
	boolean isRunning() { // guarded by lock
		return this.state == SyncSessionState.ACTIVE || this.state == SyncSessionState.DYING
				|| this.state == SyncSessionState.WAITING_FOR_ACCESS_TOKEN;
	}

	void invalidate(@Nullable SyncError error) { // guarded by lock
		if (this.state == SyncSessionState.INVALID) {
			return;
		}
		become(SyncSessionState.INVALID);
		postReconcile();
		this.progress.close();
		this.waits.failAll(invalidError());
		if (error != null) {
			report(error);
		}
	}

	void become(SyncSessionState newState) { // guarded by lock
		SyncSessionState old = this.state;
		if (old == newState) {
			return;
		}
		this.state = newState;
		logger.debug("Session {}: {} -> {}", this.path, old, newState);
		this.stateListeners.notifyAll(listener -> listener.onStateChanged(old, newState));
		if (newState == SyncSessionState.INACTIVE || newState == SyncSessionState.INVALID) {
			this.epoch++;
			setConnectionState(ConnectionState.DISCONNECTED, null);
		}
	}

	void setConnectionState(ConnectionState newState, @Nullable Throwable error) {
		synchronized (this.lock) {
			this.connection.set(newState, error, isRunning());
		}
	}

	void report(SyncError error) {
		SyncErrorHandler handler;
		synchronized (this.lock) {
			handler = this.configuration.errorHandler();
		}
		SyncErrors.report(this.engine, handler, self(), error);
	}

	IllegalStateException resetPendingError() {
		return new IllegalStateException("a client reset is required for " + this.path
				+ ": the work of this wait cannot complete on this file; run the error's action token"
				+ " (SyncManager.immediatelyHandleError) to back the file up and download afresh");
	}

	IllegalStateException databaseClosedError() {
		return new IllegalStateException("the database of session " + this.path
				+ " is closed: nothing moves until it is opened again");
	}

	IllegalStateException invalidError() {
		return new IllegalStateException("the session of " + this.path + " is invalid");
	}

	void closeStore(@Nullable SqliteStore release) {
		if (release != null) {
			this.driver.release(release);
		}
	}

}
