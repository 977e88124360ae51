package io.syncboot.autoconfigure.client;

import java.time.Instant;

import io.syncboot.client.ConnectionState;
import io.syncboot.client.ErrorAction;
import io.syncboot.client.SyncSessionState;
import org.jspecify.annotations.Nullable;

/**
 * A point-in-time view of one auto-configured session, as shown by the {@code sync} actuator
 * endpoint and used by the health contributor and the metrics. Immutable.
 *
 * @param name the session's name under {@code sync.sessions}
 * @param partition the partition it syncs
 * @param user the id of the user it syncs as
 * @param state the session state
 * @param connectionState the connection state
 * @param upload the upload progress (bytes of local changes acknowledged by the server out of all
 * committed), null until known
 * @param download the download progress (bytes of server changes received out of all known), null
 * until known
 * @param pendingChanges local changesets the server has not acknowledged yet; null once the
 * database is closed
 * @param lastError the last error the session reported, if any
 * @param lastSyncedAt when the session was last known to be in sync with the server: the last
 * acknowledged upload, received download or completed download round trip
 * @param disconnectedSince since when an active session is without a connection; null while
 * connected or not active
 * @param resetPending whether the session is inactive because a client reset left to the
 * application ({@code MANUAL}) waits for its action token
 */
public record SyncSessionStatus(String name, String partition, String user, SyncSessionState state,
		ConnectionState connectionState, @Nullable Transfer upload, @Nullable Transfer download,
		@Nullable Long pendingChanges, @Nullable ReportedError lastError,
		@Nullable Instant lastSyncedAt, @Nullable Instant disconnectedSince, boolean resetPending) {

	/** A status with no client reset pending. */
	public SyncSessionStatus(String name, String partition, String user, SyncSessionState state,
			ConnectionState connectionState, @Nullable Transfer upload, @Nullable Transfer download,
			@Nullable Long pendingChanges, @Nullable ReportedError lastError, @Nullable Instant lastSyncedAt,
			@Nullable Instant disconnectedSince) {
		this(name, partition, user, state, connectionState, upload, download, pendingChanges, lastError, lastSyncedAt,
				disconnectedSince, false);
	}

	/**
	 * The progress of one direction of transfer.
	 *
	 * @param transferredBytes bytes transferred
	 * @param transferableBytes bytes to transfer, transferred ones included
	 * @param estimate the fraction done, from 0 to 1
	 */
	public record Transfer(long transferredBytes, long transferableBytes, double estimate) {
	}

	/**
	 * An error a session reported.
	 *
	 * @param code the protocol error code
	 * @param message the description
	 * @param action what the error asked of the client
	 * @param fatal whether the session stopped because of it until its action is taken
	 * @param time when it was reported
	 */
	public record ReportedError(int code, String message, ErrorAction action, boolean fatal, Instant time) {
	}

}
