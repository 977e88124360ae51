package io.syncboot.client.internal.session;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How long a session waits to download again after applies that failed in a row. */
class ProtocolSessionTests {

	@Test
	void failedAppliesInARowWaitLongerUpToFiveMinutes() {
		assertThat(ProtocolSession.applyRetryDelay(1)).isEqualTo(Duration.ofSeconds(1));
		assertThat(ProtocolSession.applyRetryDelay(2)).isEqualTo(Duration.ofSeconds(2));
		assertThat(ProtocolSession.applyRetryDelay(5)).isEqualTo(Duration.ofSeconds(16));
		assertThat(ProtocolSession.applyRetryDelay(9)).isEqualTo(Duration.ofSeconds(256));
		assertThat(ProtocolSession.applyRetryDelay(10)).isEqualTo(Duration.ofMinutes(5));
		assertThat(ProtocolSession.applyRetryDelay(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5));
	}

}
