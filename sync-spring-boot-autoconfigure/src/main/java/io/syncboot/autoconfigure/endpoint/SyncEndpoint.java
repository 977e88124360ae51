package io.syncboot.autoconfigure.endpoint;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.syncboot.autoconfigure.client.SyncSessionStatus;
import io.syncboot.autoconfigure.client.SyncSessions;
import io.syncboot.client.ConnectionState;
import io.syncboot.client.ErrorAction;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code sync} actuator endpoint: the state of every configured session
 * ({@code GET /actuator/sync}), of one session ({@code GET /actuator/sync/{name}}), and control of
 * one session ({@code POST /actuator/sync/{name}} with {@code {"action": "suspend" | "resume" |
 * "reconnect"}}).
 */
@Endpoint(id = "sync")
public class SyncEndpoint {

	private final SyncSessions sessions;

	public SyncEndpoint(SyncSessions sessions) {
		this.sessions = sessions;
	}

	/** Every session by name, in declaration order. */
	@ReadOperation
	public SessionsDescriptor sessions() {
		Map<String, SessionDescriptor> descriptors = new LinkedHashMap<>();
		this.sessions.statuses().forEach((name, status) -> descriptors.put(name, SessionDescriptor.of(status)));
		return new SessionsDescriptor(descriptors);
	}

	/** One session; null (404 over HTTP) if none has that name. */
	@ReadOperation
	public @Nullable SessionDescriptor session(@Selector String name) {
		return this.sessions.status(name).map(SessionDescriptor::of).orElse(null);
	}

	/**
	 * Suspends, resumes or reconnects a session and returns its state afterwards; null if none has
	 * that name.
	 * @throws InvalidEndpointRequestException if the action is not one of suspend, resume, reconnect
	 */
	@WriteOperation
	public @Nullable SessionDescriptor control(@Selector String name, @Nullable String action) {
		Action parsed = Action.parse(action);
		SyncSession session = this.sessions.find(name).orElse(null);
		if (session == null) {
			return null;
		}
		parsed.apply(session);
		return session(name);
	}

	/** The actions of {@link #control}. */
	enum Action {

		SUSPEND, RESUME, RECONNECT;

		static Action parse(@Nullable String action) {
			if (action != null) {
				for (Action candidate : values()) {
					if (candidate.name().equalsIgnoreCase(action.trim())) {
						return candidate;
					}
				}
			}
			String message = ((action != null) ? "Unknown action '" + action + "'" : "No action given")
					+ ": use suspend, resume or reconnect";
			throw new InvalidEndpointRequestException(message, message);
		}

		void apply(SyncSession session) {
			switch (this) {
				case SUSPEND -> session.suspend();
				case RESUME -> session.resume();
				case RECONNECT -> session.reconnect();
			}
		}

	}

	/**
	 * Every session by name.
	 *
	 * @param sessions the sessions
	 */
	public record SessionsDescriptor(Map<String, SessionDescriptor> sessions) implements OperationResponseBody {
	}

	/**
	 * One session. Absent (null) values are left out of the JSON.
	 *
	 * @param partition the partition it syncs
	 * @param user the id of the user it syncs as
	 * @param state the session state
	 * @param connectionState the connection state
	 * @param upload upload progress
	 * @param download download progress
	 * @param pendingChanges local changesets not yet acknowledged by the server
	 * @param lastError the last error the session reported
	 * @param lastSyncedAt when the session was last known to be in sync with the server
	 */
	public record SessionDescriptor(String partition, String user, SyncSessionState state,
			ConnectionState connectionState, @Nullable TransferDescriptor upload, @Nullable TransferDescriptor download,
			@Nullable Long pendingChanges, @Nullable ErrorDescriptor lastError,
			@Nullable Instant lastSyncedAt) implements OperationResponseBody {

		static SessionDescriptor of(SyncSessionStatus status) {
			SyncSessionStatus.ReportedError error = status.lastError();
			return new SessionDescriptor(status.partition(), status.user(), status.state(), status.connectionState(),
					TransferDescriptor.of(status.upload()), TransferDescriptor.of(status.download()),
					status.pendingChanges(), (error != null) ? ErrorDescriptor.of(error) : null, status.lastSyncedAt());
		}

	}

	/**
	 * Progress of one direction.
	 *
	 * @param transferredBytes bytes transferred
	 * @param transferableBytes bytes to transfer, transferred ones included
	 * @param estimate fraction done, from 0 to 1
	 */
	public record TransferDescriptor(long transferredBytes, long transferableBytes, double estimate) {

		static @Nullable TransferDescriptor of(SyncSessionStatus.@Nullable Transfer transfer) {
			return (transfer != null) ? new TransferDescriptor(transfer.transferredBytes(),
					transfer.transferableBytes(), transfer.estimate()) : null;
		}

	}

	/**
	 * An error a session reported.
	 *
	 * @param code the protocol error code
	 * @param message its description
	 * @param action what it asked of the client
	 * @param fatal whether the session ended because of it
	 * @param time when it was reported
	 */
	public record ErrorDescriptor(int code, String message, ErrorAction action, boolean fatal, Instant time) {

		static ErrorDescriptor of(SyncSessionStatus.ReportedError error) {
			return new ErrorDescriptor(error.code(), error.message(), error.action(), error.fatal(), error.time());
		}

	}

}
