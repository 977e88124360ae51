package io.syncboot.client.internal.session;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.syncboot.client.internal.concurrent.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * How a reset in place waits for the store thread ({@link ClientResets#callOnStoreThread}): never
 * forever.
 */
class ClientResetsTests {

	private static final Duration WITHIN = Duration.ofSeconds(20);

	private final EventLoop storeThread = new EventLoop("store-test");

	private final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void stop() {
		this.release.countDown();
		this.storeThread.shutdown(Duration.ofSeconds(5));
	}

	@Test
	void anErrorThrownOnTheStoreThreadEndsTheWait() {
		assertTimeoutPreemptively(WITHIN, () -> assertThatThrownBy(() -> ClientResets.callOnStoreThread(this.storeThread,
				() -> {
					throw new OutOfMemoryError("no room for the backup");
				}, ClientResets.RESET_TIMEOUT, "the test reset"))
			.isInstanceOf(ExecutionException.class)
			.hasCauseInstanceOf(OutOfMemoryError.class));
	}

	@Test
	void aStoreThreadShutDownBeforeTheWorkRanEndsTheWaitAndTheWorkNeverRuns() throws Exception {
		blockStoreThread();
		AtomicBoolean ran = new AtomicBoolean();
		AtomicReference<Thread> caller = new AtomicReference<>();
		// the manager closes while the work waits behind another task (its caller parked on the wait)
		Thread closer = new Thread(() -> {
			await().atMost(WITHIN).until(() -> caller.get() != null
					&& (caller.get().getState() == Thread.State.TIMED_WAITING
							|| caller.get().getState() == Thread.State.WAITING));
			this.storeThread.shutdown(Duration.ofMillis(200));
		});
		closer.start();

		assertTimeoutPreemptively(WITHIN,
				() -> assertThatThrownBy(() -> {
					caller.set(Thread.currentThread());
					ClientResets.callOnStoreThread(this.storeThread, () -> ran.getAndSet(true), ClientResets.RESET_TIMEOUT,
							"the test reset");
				})
					.isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("the sync manager closed before the test reset ran"));
		closer.join(WITHIN.toMillis());
		this.release.countDown();
		assertThat(this.storeThread.isShutdown()).isTrue();
		assertThat(ran).isFalse();
	}

	@Test
	void workThatDoesNotStartInTimeIsAbandoned() throws Exception {
		blockStoreThread();
		AtomicBoolean ran = new AtomicBoolean();

		assertTimeoutPreemptively(WITHIN,
				() -> assertThatThrownBy(() -> ClientResets.callOnStoreThread(this.storeThread, () -> ran.getAndSet(true),
						Duration.ofMillis(300), "the test reset"))
					.isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("did not start within"));
		this.release.countDown();
		CountDownLatch drained = new CountDownLatch(1);
		this.storeThread.post(drained::countDown);
		assertThat(drained.await(WITHIN.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		assertThat(ran).isFalse();
	}

	/** Keeps the store thread busy until {@link #release} counts down. */
	private void blockStoreThread() throws InterruptedException {
		CountDownLatch started = new CountDownLatch(1);
		this.storeThread.post(() -> {
			started.countDown();
			try {
				this.release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		assertThat(started.await(WITHIN.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
	}

}
