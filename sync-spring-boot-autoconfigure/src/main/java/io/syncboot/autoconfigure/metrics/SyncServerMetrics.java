package io.syncboot.autoconfigure.metrics;

import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.syncboot.server.SyncServerEngine;

/**
 * Meters of the embedded sync server: {@code sync.server.connections} (open WebSocket
 * connections), {@code sync.server.sessions} (bound sessions), {@code sync.server.partitions}
 * (partitions with at least one session bound on this node), {@code sync.server.partitions.stored}
 * (partitions the history store holds, shared by every node of a shared database) and
 * {@code sync.server.history.size} (bytes the history store takes in its database). The first three
 * are counted in memory; the stored partitions and the history size are read from the store on the
 * thread that asks the registry, and have no value (NaN) when the store cannot tell, is closed or
 * does not answer. Thread-safe.
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
		Gauge.builder("sync.server.partitions", this.engine, SyncServerEngine::activePartitionCount)
			.description("Partitions with at least one sync session bound on this server node")
			.register(registry);
		Gauge.builder("sync.server.partitions.stored", this.engine, SyncServerMetrics::storedPartitions)
			.description("Partitions the sync server's history store holds")
			.register(registry);
		Gauge.builder("sync.server.history.size", this.engine, SyncServerMetrics::historySize)
			.baseUnit(BaseUnits.BYTES)
			.description("Bytes the sync server's history store takes in its database")
			.register(registry);
	}

	static double storedPartitions(SyncServerEngine engine) {
		return fromStore(() -> engine.store().partitionCount());
	}

	static double historySize(SyncServerEngine engine) {
		return fromStore(() -> engine.store().sizeBytes());
	}

	/** A figure the store reads from its database: NaN if it cannot tell (-1), is closed or does not answer. */
	private static double fromStore(LongSupplier figure) {
		try {
			long value = figure.getAsLong();
			return (value >= 0) ? value : Double.NaN;
		}
		catch (RuntimeException ex) {
			return Double.NaN;
		}
	}

}
