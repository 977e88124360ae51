package io.syncboot.server.internal.transport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's error message goes into the server's log as one line of bounded length: it cannot
 * forge log lines of its own (line breaks, terminal escapes) nor fill the log.
 */
class LoggableTextTests {

	@Test
	void lineBreaksAndEscapesAreWrittenAsCodes() {
		String forged = "oops\n2099-01-01 00:00:00 WARN SyncServer - FORGED\r\u001b[2J\u2028end";
		String logged = ServerConnection.loggable(forged);
		assertThat(logged).doesNotContain("\n", "\r", "\u001b", "\u2028")
			.isEqualTo("oops\\u000a2099-01-01 00:00:00 WARN SyncServer - FORGED\\u000d\\u001b[2J\\u2028end");
	}

	@Test
	void aLongMessageIsCutAndItsLengthTold() {
		String logged = ServerConnection.loggable("x".repeat(1_000_000));
		assertThat(logged).startsWith("x".repeat(200) + "...").endsWith("(1000000 characters)").hasSizeLessThan(240);
		assertThat(ServerConnection.loggable("short and plain")).isEqualTo("short and plain");
	}

}
