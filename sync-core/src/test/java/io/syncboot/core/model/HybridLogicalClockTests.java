package io.syncboot.core.model;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HybridLogicalClockTests {

	private static final long NOW = 1_767_225_600_000L;

	private final AtomicLong wall = new AtomicLong(NOW);

	private final HybridLogicalClock clock = new HybridLogicalClock(this.wall::get, 0);

	@Test
	void followsTheWallClock() {
		long first = this.clock.next();
		assertThat(first).isEqualTo(HybridLogicalClock.pack(NOW, 0));
		assertThat(HybridLogicalClock.millis(first)).isEqualTo(NOW);
		this.wall.set(NOW + 5);
		long second = this.clock.next();
		assertThat(second).isEqualTo(HybridLogicalClock.pack(NOW + 5, 0));
		assertThat(this.clock.last()).isEqualTo(second);
	}

	@Test
	void counterIncrementsWithinOneMillisecond() {
		long first = this.clock.next();
		long second = this.clock.next();
		long third = this.clock.next();
		assertThat(second).isEqualTo(HybridLogicalClock.pack(NOW, 1));
		assertThat(third).isEqualTo(HybridLogicalClock.pack(NOW, 2));
		assertThat(HybridLogicalClock.millis(first)).isEqualTo(HybridLogicalClock.millis(third)).isEqualTo(NOW);
	}

	@Test
	void staysMonotonicWhenTheWallClockGoesBackwards() {
		this.wall.set(NOW + 1000);
		long ahead = this.clock.next();
		this.wall.set(NOW); // NTP step back by a second
		long afterStep = this.clock.next();
		assertThat(afterStep).isGreaterThan(ahead);
		assertThat(HybridLogicalClock.millis(afterStep)).isEqualTo(NOW + 1000);
		this.wall.set(NOW + 2000);
		assertThat(this.clock.next()).isEqualTo(HybridLogicalClock.pack(NOW + 2000, 0));
	}

	@Test
	void isStrictlyIncreasingUnderARandomWallClock() {
		Random random = new Random(11);
		long previous = 0;
		for (int i = 0; i < 200_000; i++) {
			this.wall.set(NOW + random.nextInt(50) - 25);
			if (random.nextInt(100) == 0) {
				this.clock.observe(HybridLogicalClock.pack(NOW + random.nextInt(100), random.nextInt(65536)));
			}
			long next = this.clock.next();
			assertThat(next).as("step %d", i).isGreaterThan(previous);
			previous = next;
		}
	}

	@Test
	void counterOverflowCarriesIntoTheMilliseconds() {
		HybridLogicalClock full = new HybridLogicalClock(this.wall::get, HybridLogicalClock.pack(NOW, 0xFFFF));
		long next = full.next();
		assertThat(next).isEqualTo(HybridLogicalClock.pack(NOW + 1, 0));
	}

	@Test
	void resumesAfterTheLastIssuedValue() {
		long persisted = HybridLogicalClock.pack(NOW + 60_000, 3);
		HybridLogicalClock restarted = new HybridLogicalClock(this.wall::get, persisted);
		assertThat(restarted.last()).isEqualTo(persisted);
		assertThat(restarted.next()).isEqualTo(persisted + 1);
	}

	@Test
	void observeMovesPastRemoteValues() {
		long local = this.clock.next();
		long remote = HybridLogicalClock.pack(NOW + 10_000, 42);
		this.clock.observe(remote);
		assertThat(this.clock.last()).isEqualTo(remote);
		long next = this.clock.next();
		assertThat(next).isGreaterThan(remote).isGreaterThan(local);
		assertThat(next).isEqualTo(HybridLogicalClock.pack(NOW + 10_000, 43));
	}

	@Test
	void observeMovesPastRemoteValuesWithinTheSameMillisecond() {
		assertThat(this.clock.next()).isEqualTo(HybridLogicalClock.pack(NOW, 0));
		this.clock.observe(HybridLogicalClock.pack(NOW, 5));
		assertThat(this.clock.next()).isEqualTo(HybridLogicalClock.pack(NOW, 6));
		this.clock.observe(HybridLogicalClock.pack(NOW, 7));
		assertThat(this.clock.last()).isEqualTo(HybridLogicalClock.pack(NOW, 7));
	}

	@Test
	void observeIgnoresOlderRemoteValues() {
		this.wall.set(NOW + 10);
		long local = this.clock.next();
		this.clock.observe(HybridLogicalClock.pack(NOW, 7));
		assertThat(this.clock.last()).isEqualTo(local);
		assertThat(this.clock.next()).isEqualTo(local + 1);
	}

	@Test
	void packAndMillisRoundTrip() {
		Random random = new Random(3);
		long maxMillis = (1L << 47) - 1;
		long[] millis = { 0, 1, NOW, maxMillis };
		int[] counters = { 0, 1, 0x7FFF, 0xFFFF };
		for (long m : millis) {
			for (int c : counters) {
				long packed = HybridLogicalClock.pack(m, c);
				assertThat(packed).isNotNegative();
				assertThat(HybridLogicalClock.millis(packed)).isEqualTo(m);
				assertThat(packed & 0xFFFF).isEqualTo(c);
			}
		}
		for (int i = 0; i < 10_000; i++) {
			long m = (random.nextLong() >>> 17);
			int c = random.nextInt(0x10000);
			long packed = HybridLogicalClock.pack(m, c);
			assertThat(HybridLogicalClock.millis(packed)).isEqualTo(m);
			assertThat(packed & 0xFFFF).isEqualTo(c);
		}
		// values compare like (millis, counter)
		assertThat(HybridLogicalClock.pack(NOW, 0xFFFF)).isLessThan(HybridLogicalClock.pack(NOW + 1, 0));
	}

	@Test
	void rejectsBadArguments() {
		assertThatIllegalArgumentException().isThrownBy(() -> new HybridLogicalClock(null, 0))
			.withMessageContaining("wallMillis");
		assertThatIllegalArgumentException().isThrownBy(() -> new HybridLogicalClock(this.wall::get, -1))
			.withMessageContaining("lastIssued");
		assertThatIllegalArgumentException().isThrownBy(() -> HybridLogicalClock.pack(-1, 0))
			.withMessageContaining("millis");
		assertThatIllegalArgumentException().isThrownBy(() -> HybridLogicalClock.pack(1L << 47, 0))
			.withMessageContaining("millis");
		assertThatIllegalArgumentException().isThrownBy(() -> HybridLogicalClock.pack(NOW, -1))
			.withMessageContaining("counter");
		assertThatIllegalArgumentException().isThrownBy(() -> HybridLogicalClock.pack(NOW, 0x10000))
			.withMessageContaining("counter");
		assertThatIllegalArgumentException().isThrownBy(() -> this.clock.observe(-1))
			.withMessageContaining("-1");
	}

	@Test
	void rejectsAWallClockOutOfRange() {
		this.wall.set(-5);
		assertThatIllegalArgumentException().isThrownBy(this.clock::next).withMessageContaining("-5");
		assertThat(this.clock.last()).isZero();
	}

	@Test
	void neverWrapsAroundPastTheLargestValue() {
		this.clock.observe(Long.MAX_VALUE);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(this.clock::next);
		assertThat(this.clock.last()).isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void isSafeUnderConcurrentUse() throws InterruptedException {
		int threads = 4;
		int perThread = 20_000;
		long[][] issued = new long[threads][perThread];
		Thread[] workers = new Thread[threads];
		for (int t = 0; t < threads; t++) {
			int index = t;
			workers[t] = new Thread(() -> {
				for (int i = 0; i < perThread; i++) {
					issued[index][i] = this.clock.next();
				}
			});
			workers[t].start();
		}
		for (Thread worker : workers) {
			worker.join();
		}
		java.util.Set<Long> all = new java.util.HashSet<>();
		for (long[] values : issued) {
			for (int i = 1; i < values.length; i++) {
				assertThat(values[i]).isGreaterThan(values[i - 1]);
			}
			for (long value : values) {
				all.add(value);
			}
		}
		assertThat(all).hasSize(threads * perThread);
	}

}
