package io.syncboot.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket client written by hand on a plain socket with a tiny receive buffer: it sends masked
 * text frames and reads nothing until asked, so the server sees a consumer that stopped reading.
 */
final class StuckSocketClient implements AutoCloseable {

	private final Socket socket;

	private final OutputStream out;

	StuckSocketClient(int port, String path) throws IOException {
		this.socket = new Socket();
		this.socket.setReceiveBufferSize(4096);
		this.socket.connect(new InetSocketAddress("localhost", port), 5_000);
		this.out = this.socket.getOutputStream();
		this.out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\n"
				+ "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		this.out.flush();
		String response = readHeaders(this.socket.getInputStream());
		assertThat(response).startsWith("HTTP/1.1 101");
	}

	private static String readHeaders(InputStream in) throws IOException {
		ByteArrayOutputStream headers = new ByteArrayOutputStream();
		int matched = 0;
		byte[] end = { '\r', '\n', '\r', '\n' };
		while (matched < 4) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("connection closed during the handshake: " + headers);
			}
			headers.write(b);
			matched = (b == end[matched]) ? matched + 1 : ((b == '\r') ? 1 : 0);
		}
		return headers.toString(StandardCharsets.US_ASCII);
	}

	/** Sends one masked text frame. */
	void sendText(String text) throws IOException {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write(0x81);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else if (payload.length < 65536) {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xff);
		}
		else {
			frame.write(0x80 | 127);
			for (int shift = 56; shift >= 0; shift -= 8) {
				frame.write((int) ((long) payload.length >>> shift) & 0xff);
			}
		}
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		frame.write(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i % 4]);
		}
		this.out.write(frame.toByteArray());
		this.out.flush();
	}

	/**
	 * Reads everything the server sent until it closes the connection.
	 * @return the number of bytes read
	 * @throws SocketTimeoutException if the connection is still open after {@code timeout} of silence
	 */
	long drainUntilClosed(Duration timeout) throws IOException {
		this.socket.setSoTimeout((int) timeout.toMillis());
		InputStream in = this.socket.getInputStream();
		byte[] buffer = new byte[64 * 1024];
		long total = 0;
		try {
			int n;
			while ((n = in.read(buffer)) >= 0) {
				total += n;
			}
		}
		catch (SocketTimeoutException ex) {
			throw ex;
		}
		catch (IOException ex) {
			// reset by the server: closed as well
		}
		return total;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
