package io.syncboot.client.internal.connection;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import io.syncboot.client.internal.concurrent.Cancellable;
import io.syncboot.client.internal.concurrent.EventLoop;
import io.syncboot.core.protocol.SyncMessage;

/**
 * The ping/pong watchdog of one connection: pings every interval (minus up to 10 % jitter), one
 * ping outstanding at a time, and declares the connection dead when no matching pong arrives
 * within the timeout. Loop thread only.
 */
final class Keepalive {

	private final EventLoop loop;

	private final Duration interval;

	private final Duration timeout;

	private final Consumer<SyncMessage> sender;

	private final Runnable onDead;

	private Cancellable pingTimer = Cancellable.NONE; // loop thread only

	private Cancellable pongTimer = Cancellable.NONE; // loop thread only

	private long outstanding = -1; // loop thread only

	private long lastTimestamp; // loop thread only

	Keepalive(EventLoop loop, Duration interval, Duration timeout, Consumer<SyncMessage> sender, Runnable onDead) {
		this.loop = loop;
		this.interval = interval;
		this.timeout = timeout;
		this.sender = sender;
		this.onDead = onDead;
	}

	void start() {
		stop();
		schedulePing();
	}

	void stop() {
		this.pingTimer.cancel();
		this.pongTimer.cancel();
		this.pingTimer = Cancellable.NONE;
		this.pongTimer = Cancellable.NONE;
		this.outstanding = -1;
	}

	void onPong(long timestamp) {
		if (timestamp != this.outstanding) {
			return;
		}
		this.outstanding = -1;
		this.pongTimer.cancel();
		schedulePing();
	}

	private void schedulePing() {
		long nanos = this.interval.toNanos();
		long jitter = (long) (nanos * 0.1 * ThreadLocalRandom.current().nextDouble());
		this.pingTimer = this.loop.schedule(Duration.ofNanos(nanos - jitter), this::ping);
	}

	private void ping() {
		long timestamp = Math.max(System.currentTimeMillis(), this.lastTimestamp + 1);
		this.lastTimestamp = timestamp;
		this.outstanding = timestamp;
		this.sender.accept(new SyncMessage.Ping(timestamp));
		this.pongTimer = this.loop.schedule(this.timeout, () -> {
			if (this.outstanding == timestamp) {
				this.onDead.run();
			}
		});
	}

}
