package io.syncboot.autoconfigure.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.syncboot.autoconfigure.client.SyncSessionStatus;
import io.syncboot.autoconfigure.client.SyncSessions;
import io.syncboot.client.SyncSessionState;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of the configured sync sessions ({@code /actuator/health/sync}). DOWN when a session is
 * {@code INVALID} or inactive until a client reset's action token runs
 * ({@link SyncSessionStatus#resetPending()}), or when an active session has been without a
 * connection for longer than the grace period; UP otherwise (connected, connecting or reconnecting within the grace period, or
 * suspended on purpose). Details hold each session's state, connection state and, when relevant,
 * since when it is disconnected and its last error.
 */
public class SyncHealthIndicator implements HealthIndicator {

	private final SyncSessions sessions;

	private final Duration gracePeriod;

	private final Clock clock;

	public SyncHealthIndicator(SyncSessions sessions, Duration gracePeriod) {
		this(sessions, gracePeriod, Clock.systemUTC());
	}

	SyncHealthIndicator(SyncSessions sessions, Duration gracePeriod, Clock clock) {
		this.sessions = sessions;
		this.gracePeriod = gracePeriod;
		this.clock = clock;
	}

	@Override
	public Health health() {
		Instant now = this.clock.instant();
		Status overall = Status.UP;
		Map<String, Object> details = new LinkedHashMap<>();
		for (SyncSessionStatus status : this.sessions.statuses().values()) {
			Map<String, Object> detail = new LinkedHashMap<>();
			Status sessionStatus = Status.UP;
			detail.put("partition", status.partition());
			detail.put("state", status.state());
			detail.put("connectionState", status.connectionState());
			Instant since = status.disconnectedSince();
			if (status.state() == SyncSessionState.INVALID || status.resetPending()) {
				sessionStatus = Status.DOWN;
				if (status.resetPending()) {
					detail.put("resetPending", true);
				}
			}
			else if (since != null) {
				detail.put("disconnectedSince", since);
				if (Duration.between(since, now).compareTo(this.gracePeriod) > 0) {
					sessionStatus = Status.DOWN;
				}
			}
			SyncSessionStatus.ReportedError error = status.lastError();
			if (error != null) {
				detail.put("lastError", error.code() + " " + error.action() + ": " + error.message());
			}
			detail.put("status", sessionStatus.getCode());
			details.put(status.name(), detail);
			if (sessionStatus == Status.DOWN) {
				overall = Status.DOWN;
			}
		}
		return Health.status(overall).withDetail("sessions", details).build();
	}

}
