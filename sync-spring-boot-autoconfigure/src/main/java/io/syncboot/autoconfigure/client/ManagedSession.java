package io.syncboot.autoconfigure.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import io.syncboot.autoconfigure.event.SyncChangesReceivedEvent;
import io.syncboot.autoconfigure.event.SyncClientResetEvent;
import io.syncboot.autoconfigure.event.SyncConnectionStateChangedEvent;
import io.syncboot.autoconfigure.event.SyncErrorEvent;
import io.syncboot.autoconfigure.event.SyncEvent;
import io.syncboot.autoconfigure.event.SyncProgressEvent;
import io.syncboot.autoconfigure.event.SyncSessionStateChangedEvent;
import io.syncboot.autoconfigure.event.SyncUploadCompletedEvent;
import io.syncboot.client.ClientResetMode;
import io.syncboot.client.ConnectionState;
import io.syncboot.client.DatabaseChange;
import io.syncboot.client.ErrorAction;
import io.syncboot.client.ListenerToken;
import io.syncboot.client.ProgressDirection;
import io.syncboot.client.ProgressMode;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncProgress;
import io.syncboot.client.SyncErrorHandler;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;

/**
 * One auto-configured session with what the application context adds to it: its listeners turn
 * into application events, its errors go to the {@link SyncErrorHandler} bean, and it keeps what
 * the client does not (last error, last synced time, since when it is disconnected). Listener
 * callbacks run on the manager's notification thread; the fields they write are volatile.
 */
final class ManagedSession {

	private static final Logger logger = LoggerFactory.getLogger(ManagedSession.class);

	private final String name;

	private final String partition;

	private final String user;

	private final ClientResetMode clientResetMode;

	private final boolean autoStart;

	private final SyncDatabase database;

	private final SyncSession session;

	private final ApplicationEventPublisher publisher;

	private final Clock clock;

	private final List<AutoCloseable> listeners = new ArrayList<>();

	private final @Nullable Duration progressInterval;

	private final ProgressGate[] progressGates = { new ProgressGate(), new ProgressGate() };

	private final LongAdder uploadedBytes = new LongAdder();

	private final LongAdder downloadedBytes = new LongAdder();

	private final AtomicBoolean measuringUpload = new AtomicBoolean();

	private volatile SyncErrorHandler errorHandler = (session, error) -> {
	};

	private volatile SyncSessionStatus.@Nullable ReportedError lastError;

	private volatile @Nullable Instant lastSyncedAt;

	private volatile @Nullable Instant disconnectedSince;

	private volatile boolean resetPending; // a MANUAL client reset waits for its action token

	private volatile boolean publishing; // events are published once the application context started the sessions

	private volatile SyncSessionStatus.@Nullable Transfer upload;

	private volatile SyncSessionStatus.@Nullable Transfer download;

	ManagedSession(String name, SyncDatabase database, SyncSession session, ClientResetMode clientResetMode,
			boolean autoStart, @Nullable Duration progressInterval, ApplicationEventPublisher publisher, Clock clock) {
		this.progressInterval = progressInterval;
		this.name = name;
		this.database = database;
		this.session = session;
		this.partition = database.configuration().partition();
		this.user = database.configuration().user().id();
		this.clientResetMode = clientResetMode;
		this.autoStart = autoStart;
		this.publisher = publisher;
		this.clock = clock;
	}

	/** Routes the session's errors to {@code handler} from now on. */
	void errorHandler(SyncErrorHandler handler) {
		this.errorHandler = handler;
	}

	/** Registers the listeners that feed events and status; call once the session is suspended. */
	void listen() {
		this.listeners.add(this.session.addStateListener(this::stateChanged));
		this.listeners.add(this.session.addConnectionStateListener(this::connectionChanged));
		this.listeners.add(this.database.addChangeListener(change -> {
			if (change.remote()) {
				synced();
				received(change);
			}
			else {
				measureUpload();
			}
		}));
		for (ProgressDirection direction : ProgressDirection.values()) {
			this.session
				.addProgressNotification(direction, ProgressMode.REPORT_INDEFINITELY,
						progress -> progressed(direction, progress))
				.ifPresent(this.listeners::add);
		}
	}

	/**
	 * Starts publishing events (the status is kept from {@link #listen()} on) and syncing, if the
	 * session is configured to start with the application.
	 */
	void start() {
		this.publishing = true;
		if (this.autoStart) {
			this.disconnectedSince = this.clock.instant();
			this.session.resume();
		}
	}

	/**
	 * Closes the database; the session follows its stop policy.
	 * @return a future that completes when the session has left {@code DYING}
	 */
	CompletableFuture<Void> close() {
		CompletableFuture<Void> stopped = new CompletableFuture<>();
		AtomicBoolean closed = new AtomicBoolean();
		// The listener hears the transitions posted after it was registered (closing the database
		// posts one); it looks at the current state, and only once the database is closed.
		ListenerToken token = this.session.addStateListener((oldState, newState) -> {
			if (closed.get() && this.session.state() != SyncSessionState.DYING) {
				stopped.complete(null);
			}
		});
		this.database.close();
		closed.set(true);
		if (this.session.state() != SyncSessionState.DYING) {
			stopped.complete(null);
		}
		return stopped.whenComplete((result, ex) -> token.close());
	}

	/** Stops feeding events. */
	void stopListening() {
		// callbacks registered before (an upload wait's completion) may still fire: no event once stopped
		this.publishing = false;
		for (AutoCloseable listener : this.listeners) {
			try {
				listener.close();
			}
			catch (Exception ex) {
				logger.debug("Closing a listener of session '{}' failed", this.name, ex);
			}
		}
		this.listeners.clear();
	}

	String name() {
		return this.name;
	}

	SyncDatabase database() {
		return this.database;
	}

	SyncSession session() {
		return this.session;
	}

	SyncSessionStatus status() {
		Long pending = null;
		if (!this.database.isClosed()) {
			try {
				pending = this.database.pendingChanges();
			}
			catch (RuntimeException ex) {
				// closed meanwhile, or the file cannot be read: the count is unknown, the rest still reported
				logger.debug("Cannot count the pending changes of session '{}': {}", this.name, ex.toString());
			}
		}
		SyncSessionState state = this.session.state();
		ConnectionState connection = this.session.connectionState();
		boolean wantsConnection = state == SyncSessionState.ACTIVE || state == SyncSessionState.DYING
				|| state == SyncSessionState.WAITING_FOR_ACCESS_TOKEN;
		Instant since = (wantsConnection && connection != ConnectionState.CONNECTED) ? this.disconnectedSince : null;
		return new SyncSessionStatus(this.name, this.partition, this.user, state, connection, this.upload, this.download,
				pending, this.lastError,
				this.lastSyncedAt, since, this.resetPending && state == SyncSessionState.INACTIVE);
	}

	/** The session's error handler, installed in its configuration (notification thread). */
	void handleError(SyncSession source, SyncError error) {
		this.lastError = new SyncSessionStatus.ReportedError(error.code(), error.message(), error.action(),
				error.isFatal(), this.clock.instant());
		publish(new SyncErrorEvent(source, this.name, error));
		if (error.action() == ErrorAction.CLIENT_RESET) {
			if (error.isFatal() && error.actionToken().isPresent()) {
				this.resetPending = true;
			}
			publish(new SyncClientResetEvent(source, this.name, error, this.clientResetMode));
		}
		try {
			this.errorHandler.handleError(source, error);
		}
		catch (RuntimeException ex) {
			logger.error("The SyncErrorHandler failed on {} of session '{}'", error, this.name, ex);
		}
	}

	private void stateChanged(SyncSessionState oldState, SyncSessionState newState) {
		if (newState != SyncSessionState.INACTIVE) {
			// syncing again (the reset's token ran), or ended
			this.resetPending = false;
		}
		if (newState == SyncSessionState.ACTIVE && oldState == SyncSessionState.INACTIVE
				&& this.session.connectionState() != ConnectionState.CONNECTED) {
			// time spent suspended does not count as disconnected
			this.disconnectedSince = this.clock.instant();
		}
		publish(new SyncSessionStateChangedEvent(this.session, this.name, oldState, newState));
	}

	private void connectionChanged(ConnectionState oldState, ConnectionState newState, @Nullable Throwable error) {
		if (newState == ConnectionState.CONNECTED) {
			this.disconnectedSince = null;
			this.session.waitForDownloadCompletion().thenRun(this::synced);
		}
		else if (oldState == ConnectionState.CONNECTED || this.disconnectedSince == null) {
			this.disconnectedSince = this.clock.instant();
		}
		publish(new SyncConnectionStateChangedEvent(this.session, this.name, oldState, newState, error));
	}

	/** Publishes the end-to-end latency of remote changes that carry their write time. */
	private void received(DatabaseChange change) {
		Instant writtenAt = change.writtenAt();
		if (writtenAt != null) {
			Duration latency = Duration.between(writtenAt, this.clock.instant());
			publish(new SyncChangesReceivedEvent(this.session, this.name, writtenAt,
					latency.isNegative() ? Duration.ZERO : latency));
		}
	}

	private void measureUpload() {
		if (!this.measuringUpload.compareAndSet(false, true)) {
			return;
		}
		long start = System.nanoTime();
		this.session.waitForUploadCompletion().whenComplete((result, ex) -> {
			this.measuringUpload.set(false);
			if (ex == null) {
				synced();
				publish(new SyncUploadCompletedEvent(this.session, this.name, Duration.ofNanos(System.nanoTime() - start)));
			}
		});
	}

	/** Bytes transferred in one direction since the application started. */
	long transferredBytes(ProgressDirection direction) {
		return ((direction == ProgressDirection.UPLOAD) ? this.uploadedBytes : this.downloadedBytes).sum();
	}

	private void progressed(ProgressDirection direction, SyncProgress progress) {
		SyncSessionStatus.Transfer transfer = new SyncSessionStatus.Transfer(progress.transferredBytes(),
				progress.transferableBytes(), progress.estimate());
		ProgressGate gate = this.progressGates[direction.ordinal()];
		LongAdder bytes = (direction == ProgressDirection.UPLOAD) ? this.uploadedBytes : this.downloadedBytes;
		bytes.add(gate.delta(progress.transferredBytes()));
		if (direction == ProgressDirection.UPLOAD) {
			this.upload = transfer;
		}
		else {
			this.download = transfer;
		}
		Duration interval = this.progressInterval;
		if (interval != null && gate.shouldPublish(progress, interval)) {
			publish(new SyncProgressEvent(this.session, this.name, direction, progress));
		}
	}

	private void synced() {
		this.lastSyncedAt = this.clock.instant();
	}

	/** Rate limit and byte accounting of one direction's progress. Thread-safe. */
	private static final class ProgressGate {

		private long lastTransferred; // guarded by this

		private @Nullable SyncProgress lastPublished; // guarded by this

		private long lastPublishedNanos; // guarded by this

		/** The bytes newly transferred since the previous report (a smaller value starts a new count). */
		synchronized long delta(long transferred) {
			long delta = (transferred >= this.lastTransferred) ? transferred - this.lastTransferred : transferred;
			this.lastTransferred = transferred;
			return delta;
		}

		synchronized boolean shouldPublish(SyncProgress progress, Duration interval) {
			if (progress.equals(this.lastPublished)) {
				return false;
			}
			long now = System.nanoTime();
			if (this.lastPublished != null && !progress.isTransferComplete()
					&& now - this.lastPublishedNanos < interval.toNanos()) {
				return false;
			}
			this.lastPublished = progress;
			this.lastPublishedNanos = now;
			return true;
		}

	}

	void publish(SyncEvent event) {
		if (!this.publishing) {
			// the context is still being refreshed: its listeners may not all exist yet
			return;
		}
		try {
			this.publisher.publishEvent(event);
		}
		catch (IllegalStateException ex) {
			// The context is closing: the session goes on without events.
			logger.debug("Could not publish {}", event, ex);
		}
		catch (RuntimeException ex) {
			logger.warn("An application listener failed on {}", event, ex);
		}
	}

}
