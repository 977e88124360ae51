package io.syncboot.autoconfigure.metrics;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.syncboot.autoconfigure.client.SyncSessionStatus;
import io.syncboot.autoconfigure.client.SyncSessions;
import io.syncboot.autoconfigure.event.SyncChangesReceivedEvent;
import io.syncboot.autoconfigure.event.SyncErrorEvent;
import io.syncboot.autoconfigure.event.SyncEvent;
import io.syncboot.autoconfigure.event.SyncUploadCompletedEvent;
import io.syncboot.client.ProgressDirection;
import io.syncboot.client.SyncSessionState;

import org.springframework.context.ApplicationListener;

/**
 * Meters of the configured sync sessions:
 * <ul>
 * <li>{@code sync.sessions} (gauge, tag {@code state}): sessions in each state;</li>
 * <li>{@code sync.pending.changesets} (gauge, tag {@code session}): local changesets the server
 * has not acknowledged yet;</li>
 * <li>{@code sync.transferred.bytes} (counter, tags {@code session}, {@code direction}): bytes
 * uploaded (acknowledged by the server) and downloaded;</li>
 * <li>{@code sync.errors} (counter, tags {@code session}, {@code code}, {@code action}): errors
 * reported by the sessions;</li>
 * <li>{@code sync.latency} (timer, tags {@code session}, {@code direction}): with
 * {@code direction=upload}, the time from a local commit to the server's acknowledgement; with
 * {@code direction=download}, the time from a change's commit on the client that wrote it (by that
 * client's clock) until it was applied here, the end-to-end latency from one client to another
 * (one sample per applied download that carried other clients' changes, for the newest of them).</li>
 * </ul>
 * Bound to every auto-configured registry; the counters and timers follow the application events.
 */
public class SyncMetrics implements MeterBinder, ApplicationListener<SyncEvent> {

	private final SyncSessions sessions;

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	public SyncMetrics(SyncSessions sessions) {
		this.sessions = sessions;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (SyncSessionState state : SyncSessionState.values()) {
			Gauge.builder("sync.sessions", this.sessions, sessions -> count(sessions, state))
				.tag("state", state.name().toLowerCase(Locale.ROOT))
				.description("Sync sessions in each state")
				.register(registry);
		}
		for (String name : this.sessions.names()) {
			Gauge.builder("sync.pending.changesets", this.sessions, sessions -> pending(sessions, name))
				.tag("session", name)
				.description("Local changesets the server has not acknowledged yet")
				.register(registry);
			latency(registry, name, ProgressDirection.UPLOAD);
			latency(registry, name, ProgressDirection.DOWNLOAD);
			for (ProgressDirection direction : ProgressDirection.values()) {
				FunctionCounter
					.builder("sync.transferred.bytes", this.sessions,
							sessions -> sessions.transferredBytes(name, direction))
					.tag("session", name)
					.tag("direction", direction.name().toLowerCase(Locale.ROOT))
					.baseUnit(BaseUnits.BYTES)
					.description("Bytes a sync session transferred (acknowledged uploads, received downloads)")
					.register(registry);
			}
		}
		this.registries.add(registry);
	}

	@Override
	public void onApplicationEvent(SyncEvent event) {
		if (event instanceof SyncErrorEvent error) {
			for (MeterRegistry registry : this.registries) {
				Counter.builder("sync.errors")
					.tag("session", error.sessionName())
					.tag("code", Integer.toString(error.error().code()))
					.tag("action", error.error().action().name().toLowerCase(Locale.ROOT))
					.description("Errors reported by sync sessions")
					.register(registry)
					.increment();
			}
		}
		else if (event instanceof SyncUploadCompletedEvent upload) {
			for (MeterRegistry registry : this.registries) {
				latency(registry, upload.sessionName(), ProgressDirection.UPLOAD).record(upload.latency());
			}
		}
		else if (event instanceof SyncChangesReceivedEvent received) {
			for (MeterRegistry registry : this.registries) {
				latency(registry, received.sessionName(), ProgressDirection.DOWNLOAD).record(received.latency());
			}
		}
	}

	private static Timer latency(MeterRegistry registry, String session, ProgressDirection direction) {
		return Timer.builder("sync.latency")
			.tag("session", session)
			.tag("direction", direction.name().toLowerCase(Locale.ROOT))
			.description("End-to-end sync latency: upload, from a local commit until the server acknowledged it; "
					+ "download, from a change's commit on the client that wrote it until it was applied here")
			.register(registry);
	}

	private static double count(SyncSessions sessions, SyncSessionState state) {
		return sessions.names().stream().filter(name -> sessions.session(name).state() == state).count();
	}

	private static double pending(SyncSessions sessions, String name) {
		Long pending = sessions.status(name).map(SyncSessionStatus::pendingChanges).orElse(null);
		return (pending != null) ? pending : Double.NaN;
	}

}
