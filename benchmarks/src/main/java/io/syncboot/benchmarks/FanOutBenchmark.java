package io.syncboot.benchmarks;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * S5 fan-out: one writer and K subscribers on one partition of a sync server in a child JVM, for
 * K = 10, 100 and 1,000 (scaled by {@code --scale}, at least 2). Writer and subscribers are raw
 * protocol sessions ({@link RawSyncSession}), each on its own connection, read by one selector
 * thread in this JVM. The writer uploads 200 B changes open loop at {@value #OFFERED_DELIVERIES} / K
 * changes per second (the goal's 25,000 deliveries per second with a margin): every
 * {@value #TICK_MILLIS} ms the changes due, as one changeset (one write transaction) in one upload
 * message, each body carrying its write time; every subscriber records the latency from that time
 * until it read the change. Figures per K: deliveries per second (all deliveries over the time
 * from the first write to the last delivery; it stays near the offered rate while the server keeps
 * up) and the p50/p99 delivery latency. Each round starts a fresh server and warms it up with a
 * short unmeasured K = 10 run.
 */
final class FanOutBenchmark {

	static final int[] FAN_OUT = { 10, 100, 1000 };

	private static final double OFFERED_DELIVERIES = 30_000;

	private static final int TICK_MILLIS = 5;

	private static final int BODY_BYTES = 200;

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final Path workDirectory;

	private final double scale;

	private final AtomicInteger runs = new AtomicInteger();

	FanOutBenchmark(Path workDirectory, double scale) {
		this.workDirectory = workDirectory;
		this.scale = scale;
	}

	List<Result> s5FanOut() throws Exception {
		int run = this.runs.incrementAndGet();
		List<Result> results = new ArrayList<>();
		try (ChildServer server = ChildServer.sync(this.workDirectory.resolve("s5-server-" + run))) {
			// a fresh server JVM runs interpreted at first: the first K would pay for its warm-up
			measure(server, 10, "s5-warm-" + run, 0.25);
			for (int nominal : FAN_OUT) {
				results.addAll(measure(server, nominal, "s5-k" + nominal + "-" + run, 4 * this.scale));
			}
		}
		return results;
	}

	private List<Result> measure(ChildServer server, int nominal, String partition, double seconds) throws Exception {
		int subscribers = Math.max(2, (int) Math.round(nominal * this.scale));
		double changesPerSecond = OFFERED_DELIVERIES / nominal;
		int changes = (int) Math.max(10, changesPerSecond * Math.max(0.5, seconds));
		List<RawSyncSession> sessions = Collections.synchronizedList(new ArrayList<>());
		try {
			IdleBenchmarks.openAll(subscribers, i -> sessions.add(RawSyncSession.open(server.address(), server.path(),
					partition, TIMEOUT)));
			RawSyncSession writer = RawSyncSession.open(server.address(), server.path(), partition, TIMEOUT);
			sessions.add(writer);
			Receiver receiver = new Receiver(sessions, writer, (long) changes * subscribers);
			Thread reader = new Thread(receiver, "s5-receiver");
			reader.start();
			long first = System.nanoTime();
			int sent = 0;
			List<String> due = new ArrayList<>();
			while (sent < changes && receiver.failure.get() == null) {
				long elapsed = System.nanoTime() - first;
				int target = (int) Math.min(changes, 1 + elapsed / 1e9 * changesPerSecond);
				due.clear();
				for (; sent < target; sent++) {
					String stamp = "T" + System.nanoTime() + "#";
					due.add(stamp + "p".repeat(BODY_BYTES - stamp.length()));
				}
				if (!due.isEmpty()) {
					writer.upload("s5", "d-", due);
				}
				Thread.sleep(TICK_MILLIS);
			}
			reader.join(TIMEOUT.toMillis() + 60_000);
			if (reader.isAlive() || receiver.failure.get() != null) {
				reader.interrupt();
				throw new IllegalStateException("S5 K=" + subscribers + ": " + receiver.delivered + " of "
						+ (long) changes * subscribers + " deliveries arrived"
						+ ((receiver.failure.get() != null) ? " (" + receiver.failure.get() + ")" : ""));
			}
			double elapsed = (receiver.lastDelivery - first) / 1e9;
			String prefix = "S5.K" + nominal;
			return List.of(new Result(prefix + ".deliveries/s", receiver.delivered / elapsed, "1/s"),
					new Result(prefix + ".p50", receiver.samples.percentileMillis(50), "ms"),
					new Result(prefix + ".p99", receiver.samples.percentileMillis(99), "ms"));
		}
		finally {
			sessions.forEach(RawSyncSession::close);
		}
	}

	/**
	 * Reads every session on one selector thread and records each change a subscriber sees; the
	 * writer's own downloads (its acknowledgements) are read and dropped. Ends when every delivery
	 * arrived, on the first failure, or when interrupted.
	 */
	private static final class Receiver implements Runnable {

		final Samples samples = new Samples();

		final AtomicReference<String> failure = new AtomicReference<>();

		private final List<RawSyncSession> sessions;

		private final RawSyncSession writer;

		private final long expected;

		volatile long delivered;

		volatile long lastDelivery;

		Receiver(List<RawSyncSession> sessions, RawSyncSession writer, long expected) {
			this.sessions = new ArrayList<>(sessions);
			this.writer = writer;
			this.expected = expected;
		}

		@Override
		public void run() {
			try (Selector selector = Selector.open()) {
				for (RawSyncSession session : this.sessions) {
					session.socket().configureNonBlocking().register(selector, SelectionKey.OP_READ, session);
				}
				long count = 0;
				while (count < this.expected && !Thread.currentThread().isInterrupted()) {
					selector.select(100);
					for (SelectionKey key : selector.selectedKeys()) {
						RawSyncSession session = (RawSyncSession) key.attachment();
						if (session == this.writer) {
							session.socket().readAvailable(text -> {
							});
						}
						else {
							long[] seen = { 0 };
							session.socket().readAvailable(text -> seen[0] += record(text, System.nanoTime()));
							count += seen[0];
						}
					}
					selector.selectedKeys().clear();
					this.delivered = count;
				}
			}
			catch (IOException | RuntimeException ex) {
				this.failure.set(ex.toString());
			}
		}

		/** Records every stamped change in a download; returns how many. */
		private int record(String text, long now) {
			int found = 0;
			int at = text.indexOf("\"T");
			while (at >= 0) {
				int end = text.indexOf('#', at);
				if (end > at + 2 && Character.isDigit(text.charAt(at + 2))) {
					this.samples.record(now - Long.parseLong(text, at + 2, end, 10));
					found++;
				}
				at = text.indexOf("\"T", at + 2);
			}
			if (found > 0) {
				this.lastDelivery = now;
			}
			return found;
		}

	}

}
