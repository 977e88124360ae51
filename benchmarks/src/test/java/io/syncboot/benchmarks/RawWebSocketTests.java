package io.syncboot.benchmarks;

import java.io.EOFException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The load generator's plain-socket WebSocket client against a real Tomcat echo endpoint: frames of
 * each length encoding in both directions, in blocking and in selector mode.
 */
class RawWebSocketTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void echoesShortAndMediumTextInBlockingMode() throws Exception {
		try (EchoServer server = new EchoServer();
				RawWebSocket socket = RawWebSocket.connect(new InetSocketAddress("127.0.0.1", server.port()), "/echo",
						null, TIMEOUT)) {
			for (String text : new String[] { "é", "x".repeat(125), "y".repeat(126), "z".repeat(5000) }) {
				socket.sendText(text);
				assertThat(socket.readText(TIMEOUT)).isEqualTo(text);
			}
		}
	}

	@Test
	void deliversEveryMessageInSelectorMode() throws Exception {
		try (EchoServer server = new EchoServer();
				RawWebSocket socket = RawWebSocket.connect(new InetSocketAddress("127.0.0.1", server.port()), "/echo",
						null, TIMEOUT);
				Selector selector = Selector.open()) {
			socket.configureNonBlocking().register(selector, SelectionKey.OP_READ);
			List<String> received = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				socket.sendText("message-" + i + "-" + "p".repeat(i * 40));
			}
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			while (received.size() < 50 && System.nanoTime() < deadline) {
				selector.select(100);
				selector.selectedKeys().clear();
				socket.readAvailable(received::add);
			}
			assertThat(received).hasSize(50);
			assertThat(received.get(49)).isEqualTo("message-49-" + "p".repeat(49 * 40));
		}
	}

	@Test
	void aRefusedHandshakeFails() throws Exception {
		try (EchoServer server = new EchoServer()) {
			assertThatExceptionOfType(java.io.IOException.class)
				.isThrownBy(() -> RawWebSocket.connect(new InetSocketAddress("127.0.0.1", server.port()), "/nowhere", null,
						TIMEOUT))
				.withMessageContaining("handshake refused")
				.isNotInstanceOf(EOFException.class);
		}
	}

}
