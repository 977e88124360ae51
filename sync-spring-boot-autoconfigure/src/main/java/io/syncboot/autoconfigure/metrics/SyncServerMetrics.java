package io.syncboot.autoconfigure.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.syncboot.server.SyncServerEngine;

/**
 * Meters of the embedded sync server: {@code sync.server.connections} (open WebSocket
 * connections), {@code sync.server.sessions} (bound sessions) and {@code sync.server.history.size}
 * (bytes the history store takes in its database, read from the store when the registry asks; no
 * value when the store cannot tell or is closed).
 */
public class SyncServerMetrics implements MeterBinder {

	private final SyncServerEngine engine;

	public SyncServerMetrics(SyncServerEngine engine) {
		this.engine = engine;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("sync.server.connections", this.engine, SyncServerEngine::connectionCount)
			.description("Open WebSocket connections of the sync server")
			.register(registry);
		Gauge.builder("sync.server.sessions", this.engine, SyncServerEngine::sessionCount)
			.description("Sync sessions bound on this server node")
			.register(registry);
		Gauge.builder("sync.server.history.size", this.engine, SyncServerMetrics::historySize)
			.baseUnit(BaseUnits.BYTES)
			.description("Bytes the sync server's history store takes in its database")
			.register(registry);
	}

	static double historySize(SyncServerEngine engine) {
		try {
			long bytes = engine.store().sizeBytes();
			return (bytes >= 0) ? bytes : Double.NaN;
		}
		catch (RuntimeException ex) {
			return Double.NaN; // the store is closed, or its database does not answer
		}
	}

}
