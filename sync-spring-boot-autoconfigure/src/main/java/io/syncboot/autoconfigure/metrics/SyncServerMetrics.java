package io.syncboot.autoconfigure.metrics;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
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
 * are counted in memory when the registry asks. The stored partitions and the history size are
 * queries of the store's database, so a scrape never runs them: it reads the figures last read by
 * this binder's own daemon thread ({@code syncboot-server-metrics}), which reads them again when a
 * scrape finds them older than {@value #STORE_FIGURES_MAX_AGE_SECONDS} s (and once when bound); the
 * thread ends when idle for a while. They have no value (NaN) before the first read, when the store
 * cannot tell, is closed or does not answer, when the last read is older than a minute (a read
 * hangs), and once this binder is closed. Thread-safe; {@link #close()} stops the thread.
 */
public class SyncServerMetrics implements MeterBinder, AutoCloseable {

	/** The age after which a scrape asks for the store's figures to be read again. */
	static final int STORE_FIGURES_MAX_AGE_SECONDS = 10;

	private final SyncServerEngine engine;

	private final long maxAgeNanos;

	/** The age after which the last figures read are not shown (a read hangs, or none can run). */
	private static final long STALE_AFTER_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final ThreadPoolExecutor storeReader = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
			new LinkedBlockingQueue<>(), task -> {
				Thread thread = new Thread(task, "syncboot-server-metrics");
				thread.setDaemon(true);
				return thread;
			});

	private volatile boolean closed;

	private final AtomicBoolean reading = new AtomicBoolean();

	private volatile long readAtNanos;

	private volatile boolean read; // the figures were read at least once

	private volatile double storedPartitions = Double.NaN;

	private volatile double historySize = Double.NaN;

	public SyncServerMetrics(SyncServerEngine engine) {
		this(engine, Duration.ofSeconds(STORE_FIGURES_MAX_AGE_SECONDS));
	}

	SyncServerMetrics(SyncServerEngine engine, Duration maxAge) {
		this.engine = engine;
		this.maxAgeNanos = maxAge.toNanos();
		this.storeReader.allowCoreThreadTimeOut(true);
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
		Gauge.builder("sync.server.partitions.stored", this, metrics -> metrics.fresh(() -> metrics.storedPartitions))
			.description("Partitions the sync server's history store holds")
			.register(registry);
		Gauge.builder("sync.server.history.size", this, metrics -> metrics.fresh(() -> metrics.historySize))
			.baseUnit(BaseUnits.BYTES)
			.description("Bytes the sync server's history store takes in its database")
			.register(registry);
		readStoreFiguresLater();
	}

	/** A figure as last read, asking for a new read if it is old; NaN if too old or closed. */
	private double fresh(DoubleSupplier figure) {
		if (this.closed) {
			return Double.NaN;
		}
		long age = System.nanoTime() - this.readAtNanos;
		if (!this.read || age > this.maxAgeNanos) {
			readStoreFiguresLater();
		}
		return (this.read && age <= Math.max(STALE_AFTER_NANOS, this.maxAgeNanos)) ? figure.getAsDouble() : Double.NaN;
	}

	private void readStoreFiguresLater() {
		if (this.reading.compareAndSet(false, true)) {
			try {
				this.storeReader.execute(this::readStoreFigures);
			}
			catch (RejectedExecutionException ex) {
				this.reading.set(false); // closed
			}
		}
	}

	/** Reads the store's figures on the calling thread (this binder's thread, or a test). */
	void readStoreFigures() {
		try {
			this.storedPartitions = fromStore(() -> this.engine.store().partitionCount());
			this.historySize = fromStore(() -> this.engine.store().sizeBytes());
			this.readAtNanos = System.nanoTime();
			this.read = true;
		}
		finally {
			this.reading.set(false);
		}
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

	/** Stops the thread that reads the store's figures; the gauges then have no value. */
	@Override
	public void close() {
		this.closed = true;
		this.storeReader.shutdownNow();
	}

}
