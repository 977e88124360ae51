package io.syncboot.client.internal.connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reconnect backoff with a controlled random source: no sleeping, exact values.
 */
class BackoffTests {

	/** Returns the given fractions, in a cycle. */
	private static RandomGenerator fixed(double... values) {
		return new RandomGenerator() {
			private int next;

			@Override
			public long nextLong() {
				throw new UnsupportedOperationException();
			}

			@Override
			public double nextDouble() {
				return values[this.next++ % values.length];
			}
		};
	}

	private static List<Duration> delays(Backoff backoff, int count) {
		List<Duration> delays = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			delays.add(backoff.nextDelay());
		}
		return delays;
	}

	@Test
	void withoutJitterTheDelaysDoubleFromOneSecondUpToFiveMinutes() {
		Backoff backoff = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), 0.25, fixed(0.0));
		assertThat(delays(backoff, 11)).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2),
				Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(32),
				Duration.ofSeconds(64), Duration.ofSeconds(128), Duration.ofSeconds(256), Duration.ofMinutes(5),
				Duration.ofMinutes(5));
	}

	@Test
	void jitterTakesUpToAQuarterOff() {
		Backoff most = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), 0.25, fixed(1.0));
		assertThat(delays(most, 3)).containsExactly(Duration.ofMillis(750), Duration.ofMillis(1500),
				Duration.ofSeconds(3));
		Backoff half = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), 0.25, fixed(0.5));
		assertThat(half.nextDelay()).isEqualTo(Duration.ofMillis(875));

		Backoff random = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), 0.25,
				RandomGenerator.of("L64X128MixRandom"));
		long base = 1000;
		for (Duration delay : delays(random, 20)) {
			assertThat(delay.toMillis()).isBetween(base * 3 / 4, base);
			base = Math.min(base * 2, 300_000);
		}
	}

	@Test
	void resetStartsTheLadderOverAndOtherSettingsAreHonoured() {
		Backoff backoff = new Backoff(Duration.ofMillis(100), 3.0, Duration.ofSeconds(1), 0.1, fixed(0.0));
		assertThat(delays(backoff, 4)).containsExactly(Duration.ofMillis(100), Duration.ofMillis(300),
				Duration.ofMillis(900), Duration.ofSeconds(1));
		backoff.reset();
		assertThat(delays(backoff, 2)).containsExactly(Duration.ofMillis(100), Duration.ofMillis(300));
	}

}
