package io.syncboot.client;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The sync session of one {@link SyncDatabase}: it binds the database's partition on the server,
 * uploads the outbox and applies downloads. Two state machines are reported apart: what the
 * session wants ({@link #state()}) and what its connection does ({@link #connectionState()}).
 * Obtained from {@link SyncManager#sessionFor(SyncDatabase)}; thread-safe.
 *
 * <p>State and connection listeners, and the completion of the futures returned by the
 * {@code waitFor*} methods, run on the manager's notification thread ({@code syncboot-notify-N});
 * progress listeners on its progress threads ({@code syncboot-progress-N}). Methods never block
 * unless stated. Every method throws {@link IllegalArgumentException} for a null or otherwise bad
 * argument, naming it.
 */
public interface SyncSession {

	/** What the session wants now. */
	SyncSessionState state();

	/**
	 * What its connection does now; always {@link ConnectionState#DISCONNECTED} when
	 * {@link SyncSessionState#INACTIVE} or {@link SyncSessionState#INVALID}.
	 */
	ConnectionState connectionState();

	/** The user that owns the session; empty once {@link SyncSessionState#INVALID}. */
	Optional<SyncUser> parentUser();

	/** The configuration of the session's database; empty once {@link SyncSessionState#INVALID}. */
	Optional<SyncConfiguration> configuration();

	/**
	 * Stops syncing ({@link SyncSessionState#INACTIVE}, disconnected at once) until {@link #resume()};
	 * no-op if inactive or invalid.
	 */
	void suspend();

	/**
	 * Starts syncing again after {@link #suspend()} ({@link SyncSessionState#ACTIVE}, or
	 * {@link SyncSessionState#WAITING_FOR_ACCESS_TOKEN} first if the user's token is about to
	 * expire); no-op unless inactive with its database open (so a no-op once invalid), and a no-op
	 * while a client reset waits for its action token (resuming would only meet the same reset; see
	 * {@link ClientResetMode#MANUAL}).
	 */
	void resume();

	/**
	 * Resets the reconnect backoff and connects now, if the session is active and waiting to
	 * reconnect; no-op otherwise.
	 */
	void reconnect();

	/**
	 * Registers a progress listener for one direction. If progress is known it is called at once
	 * (on a progress thread). With {@link ProgressMode#FOR_CURRENTLY_OUTSTANDING_WORK} the work
	 * outstanding now is captured; once it is transferred the final call is delivered and the
	 * registration expires.
	 * @return the registration, or empty when nothing more will be reported: the session is
	 * {@link SyncSessionState#INVALID}, or the outstanding work is already done (the listener is then
	 * called once, with a complete progress)
	 * @throws IllegalArgumentException if any argument is null
	 */
	Optional<ProgressNotificationToken> addProgressNotification(ProgressDirection direction, ProgressMode mode,
			ProgressListener listener);

	/**
	 * Registers a listener for session state changes.
	 * @throws IllegalArgumentException if {@code listener} is null
	 */
	ListenerToken addStateListener(SessionStateListener listener);

	/**
	 * Registers a listener for connection state changes.
	 * @throws IllegalArgumentException if {@code listener} is null
	 */
	ListenerToken addConnectionStateListener(ConnectionStateListener listener);

	/**
	 * A future that completes when the server has acknowledged every local change committed before
	 * this call. It waits across disconnects and while the session is inactive; it completes
	 * exceptionally ({@link IllegalStateException}) when the session becomes invalid or the manager
	 * closes, and when a client reset is left to the application ({@link ClientResetMode#MANUAL}):
	 * the waits pending then fail, as do those made until the reset's action token runs, because
	 * their work cannot complete on the file that is reset. It also completes exceptionally when an
	 * automatic client reset discards the unsynced changes it waits for (the server never gets them;
	 * they are only in the reset's backup). Completes on the notification thread. Cancelling it
	 * forgets the wait.
	 */
	CompletableFuture<Void> waitForUploadCompletion();

	/**
	 * A future that completes after a server round trip (a MARK) after which everything the server
	 * had at that moment is applied locally. Same waiting and failure rules as
	 * {@link #waitForUploadCompletion()}. Cancelling it forgets the wait: its MARK is not sent again.
	 */
	CompletableFuture<Void> waitForDownloadCompletion();

	/**
	 * Blocks until {@link #waitForUploadCompletion()} completes or the timeout passes. A timeout
	 * beyond {@code Long.MAX_VALUE} nanoseconds (such as {@code ChronoUnit.FOREVER.getDuration()})
	 * waits without a limit.
	 * @return {@code false} on timeout (the upload goes on)
	 * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
	 * @throws IllegalStateException if the session is or becomes invalid, or the wait fails for a
	 * client reset left to the application or one that discarded the changes waited for
	 */
	boolean uploadAllLocalChanges(Duration timeout);

	/**
	 * Blocks until {@link #waitForDownloadCompletion()} completes or the timeout passes. A timeout
	 * beyond {@code Long.MAX_VALUE} nanoseconds waits without a limit; a wait that timed out is
	 * forgotten (its MARK is not sent again).
	 * @return {@code false} on timeout
	 * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
	 * @throws IllegalStateException if the session is or becomes invalid, or the wait fails for a
	 * client reset left to the application
	 */
	boolean downloadAllServerChanges(Duration timeout);

}
