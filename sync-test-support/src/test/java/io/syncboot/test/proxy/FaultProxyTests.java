package io.syncboot.test.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The proxy against a small echo server that also records what each connection received.
 */
class FaultProxyTests {

	private static final Duration LONG = Duration.ofSeconds(30);

	private ServerSocket echo;

	private final List<ByteArrayOutputStream> received = new CopyOnWriteArrayList<>();

	private final List<Boolean> endOfStream = new CopyOnWriteArrayList<>();

	private FaultProxy proxy;

	@BeforeEach
	void start() throws IOException {
		this.echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(() -> {
			while (!this.echo.isClosed()) {
				try {
					Socket socket = this.echo.accept();
					ByteArrayOutputStream bytes = new ByteArrayOutputStream();
					int index = this.received.size();
					this.received.add(bytes);
					this.endOfStream.add(false);
					Thread handler = new Thread(() -> echo(socket, bytes, index));
					handler.setDaemon(true);
					handler.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		});
		acceptor.setDaemon(true);
		acceptor.start();
		this.proxy = FaultProxy.start("127.0.0.1", this.echo.getLocalPort());
	}

	private void echo(Socket socket, ByteArrayOutputStream bytes, int index) {
		try (socket) {
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[4096];
			int read;
			while ((read = in.read(buffer)) >= 0) {
				synchronized (bytes) {
					bytes.write(buffer, 0, read);
				}
				socket.getOutputStream().write(buffer, 0, read);
			}
			this.endOfStream.set(index, true);
		}
		catch (IOException ex) {
			this.endOfStream.set(index, true);
		}
	}

	@AfterEach
	void stop() throws IOException {
		this.proxy.close();
		this.echo.close();
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.proxy.port());
		socket.setSoTimeout((int) LONG.toMillis());
		return socket;
	}

	private static String roundTrip(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
		return readExactly(socket, text.length());
	}

	private static String readExactly(Socket socket, int length) throws IOException {
		byte[] bytes = socket.getInputStream().readNBytes(length);
		return new String(bytes, StandardCharsets.UTF_8);
	}

	@Test
	void forwardsBothWaysAndCountsConnections() throws IOException {
		try (Socket a = connect(); Socket b = connect()) {
			assertThat(roundTrip(a, "hello")).isEqualTo("hello");
			assertThat(roundTrip(b, "world")).isEqualTo("world");
			await().atMost(LONG).until(() -> this.proxy.connectionCount() == 2);
			assertThat(this.proxy.acceptedCount()).isEqualTo(2);
		}
		await().atMost(LONG).until(() -> this.proxy.connectionCount() == 0);
		assertThat(this.proxy.proxied(URI.create("ws://localhost:8080/sync")))
			.isEqualTo(URI.create("ws://127.0.0.1:" + this.proxy.port() + "/sync"));
	}

	@Test
	void dropAllClosesEveryConnectionAndNewOnesStillWork() throws IOException {
		try (Socket a = connect()) {
			assertThat(roundTrip(a, "x")).isEqualTo("x");
			this.proxy.dropAll();
			assertThatReadEnds(a);
			await().atMost(LONG).until(() -> this.endOfStream.get(0));
		}
		try (Socket b = connect()) {
			assertThat(roundTrip(b, "again")).isEqualTo("again");
		}
	}

	@Test
	void aBlackHoleHoldsTrafficWithTheSocketsOpenUntilHealed() throws IOException {
		try (Socket a = connect()) {
			assertThat(roundTrip(a, "before")).isEqualTo("before");
			this.proxy.blackHole();
			a.getOutputStream().write("held".getBytes(StandardCharsets.UTF_8));
			a.setSoTimeout(300);
			assertThatThrownBy(() -> a.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
			assertThat(this.received.get(0).toString(StandardCharsets.UTF_8)).isEqualTo("before");
			assertThat(this.proxy.connectionCount()).isEqualTo(1);

			this.proxy.heal();
			a.setSoTimeout((int) LONG.toMillis());
			assertThat(readExactly(a, 4)).isEqualTo("held");
		}
	}

	@Test
	void aNewConnectionDuringABlackHoleIsAcceptedButGetsNothingThrough() throws IOException {
		this.proxy.blackHole();
		try (Socket a = connect()) {
			a.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
			a.setSoTimeout(300);
			assertThatThrownBy(() -> a.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
			this.proxy.heal();
			a.setSoTimeout((int) LONG.toMillis());
			assertThat(readExactly(a, 4)).isEqualTo("ping");
		}
	}

	@Test
	void latencyDelaysEachChunkAndHealRemovesIt() throws IOException {
		try (Socket a = connect()) {
			this.proxy.latency(Duration.ofMillis(200));
			long start = System.nanoTime();
			assertThat(roundTrip(a, "slow")).isEqualTo("slow");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
			this.proxy.heal();
			assertThat(roundTrip(a, "fast")).isEqualTo("fast");
		}
		assertThatIllegalArgumentException().isThrownBy(() -> this.proxy.latency(Duration.ofMillis(-1)))
			.withMessageContaining("delay");
	}

	@Test
	void cutNextChunkForwardsHalfAChunkThenClosesTheConnection() throws IOException {
		try (Socket a = connect()) {
			assertThat(roundTrip(a, "whole")).isEqualTo("whole");
			this.proxy.cutNextChunk();
			a.getOutputStream().write("0123456789".getBytes(StandardCharsets.UTF_8));
			await().atMost(LONG).until(() -> this.endOfStream.get(0));
			assertThat(this.received.get(0).toString(StandardCharsets.UTF_8)).isEqualTo("whole01234");
			assertThatReadEnds(a);
		}
		try (Socket b = connect()) {
			assertThat(roundTrip(b, "intact")).isEqualTo("intact");
		}
	}

	@Test
	void badArgumentsAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> FaultProxy.start(null, 80)).withMessageContaining("host");
		assertThatIllegalArgumentException().isThrownBy(() -> FaultProxy.start("localhost", 0))
			.withMessageContaining("port");
		assertThatIllegalArgumentException().isThrownBy(() -> this.proxy.proxied(null)).withMessageContaining("uri");
	}

	/** The connection ends: end of stream, or a reset, possibly after bytes already in flight. */
	private static void assertThatReadEnds(Socket socket) {
		try {
			InputStream in = socket.getInputStream();
			while (in.read() >= 0) {
				// drain what was in flight
			}
		}
		catch (IOException ex) {
			// a reset also ends it
		}
	}

}
