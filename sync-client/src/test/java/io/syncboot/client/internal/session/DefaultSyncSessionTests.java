package io.syncboot.client.internal.session;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How long a session waits to bind again after local failures in a row. */
class DefaultSyncSessionTests {

	@Test
	void localFailuresInARowWaitLongerUpToFiveMinutes() {
		assertThat(DefaultSyncSession.retryDelay(1)).isEqualTo(Duration.ofSeconds(1));
		assertThat(DefaultSyncSession.retryDelay(2)).isEqualTo(Duration.ofSeconds(2));
		assertThat(DefaultSyncSession.retryDelay(5)).isEqualTo(Duration.ofSeconds(16));
		assertThat(DefaultSyncSession.retryDelay(9)).isEqualTo(Duration.ofSeconds(256));
		assertThat(DefaultSyncSession.retryDelay(10)).isEqualTo(Duration.ofMinutes(5));
		assertThat(DefaultSyncSession.retryDelay(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5));
	}

}
