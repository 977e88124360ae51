package io.syncboot.demo;

import java.time.Instant;

import io.syncboot.autoconfigure.client.SyncSessionStatus;
import io.syncboot.client.ConnectionState;
import io.syncboot.client.SyncSessionState;
import org.jspecify.annotations.Nullable;

/**
 * One session as the page shows it: its {@link SyncSessionStatus} and the number of tasks in its
 * database.
 *
 * @param name the session's name under {@code sync.sessions}
 * @param partition the partition it syncs
 * @param user the user it syncs as
 * @param state the session state
 * @param connectionState the connection state
 * @param upload upload progress, null until known
 * @param download download progress, null until known
 * @param pendingChanges local changesets not yet acknowledged by the server
 * @param lastError the last error the session reported
 * @param lastSyncedAt when the session was last known to be in sync
 * @param tasks tasks in the session's database
 */
public record SessionView(String name, String partition, String user, SyncSessionState state,
		ConnectionState connectionState, SyncSessionStatus.@Nullable Transfer upload,
		SyncSessionStatus.@Nullable Transfer download, @Nullable Long pendingChanges,
		SyncSessionStatus.@Nullable ReportedError lastError, @Nullable Instant lastSyncedAt, long tasks) {

	static SessionView of(SyncSessionStatus status, long tasks) {
		return new SessionView(status.name(), status.partition(), status.user(), status.state(),
				status.connectionState(), status.upload(), status.download(), status.pendingChanges(),
				status.lastError(), status.lastSyncedAt(), tasks);
	}

}
