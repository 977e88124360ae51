package io.syncboot.autoconfigure.metrics;

import java.io.File;
import java.nio.file.Path;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.syncboot.server.SyncServerEngine;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;

/**
 * Meters of the embedded sync server: {@code sync.server.connections} (open WebSocket
 * connections), {@code sync.server.sessions} (bound sessions) and {@code sync.server.history.size}
 * (bytes on disk of the history store).
 */
public class SyncServerMetrics implements MeterBinder {

	private final SyncServerEngine engine;

	private final Path dataDirectory;

	public SyncServerMetrics(SyncServerEngine engine, Path dataDirectory) {
		this.engine = engine;
		this.dataDirectory = dataDirectory;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("sync.server.connections", this.engine, SyncServerEngine::connectionCount)
			.description("Open WebSocket connections of the sync server")
			.register(registry);
		Gauge.builder("sync.server.sessions", this.engine, SyncServerEngine::sessionCount)
			.description("Sync sessions bound on this server node")
			.register(registry);
		Gauge.builder("sync.server.history.size", this.dataDirectory, SyncServerMetrics::historySize)
			.baseUnit(BaseUnits.BYTES)
			.description("Bytes on disk of the sync server's history store")
			.register(registry);
	}

	static double historySize(Path dataDirectory) {
		long total = 0;
		for (String suffix : new String[] { "", "-wal" }) {
			File file = dataDirectory.resolve(JdbcHistoryStore.SQLITE_FILE_NAME + suffix).toFile();
			total += file.length();
		}
		return total;
	}

}
