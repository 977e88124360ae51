package io.syncboot.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A minimal RFC 6455 WebSocket client connection over one {@link SocketChannel}, cheap enough to
 * hold ten thousand of them in one load-generating JVM: a plain-socket handshake, masked text
 * frames out, text frames in (fragments assembled, pings answered). Used to open many idle
 * connections or sessions (P7, S6) and many subscribers (S5) without a full client per connection.
 *
 * <p>Starts in blocking mode ({@link #readText(Duration)}); after {@link #configureNonBlocking()}
 * one selector thread reads it with {@link #readAvailable(Consumer)}. {@link #sendText(String)} may
 * be called from any thread (sends are serialized). I/O failures surface as {@link IOException}; a
 * close frame from the server as {@link EOFException}.
 */
final class RawWebSocket implements Closeable {

	private static final int MAX_HEADER_BYTES = 16 * 1024;

	private final SocketChannel channel;

	private final InputStream blockingInput;

	private ByteBuffer input = ByteBuffer.allocate(512); // reader thread only, write mode

	private final ByteArrayOutputStream message = new ByteArrayOutputStream(0); // reader thread only

	private RawWebSocket(SocketChannel channel) throws IOException {
		this.channel = channel;
		this.blockingInput = channel.socket().getInputStream();
	}

	/**
	 * Connects and completes the opening handshake.
	 * @throws IOException if the connection fails or the server does not answer 101
	 */
	static RawWebSocket connect(InetSocketAddress address, String path, String subprotocol, Duration timeout)
			throws IOException {
		SocketChannel channel = SocketChannel.open();
		try {
			channel.socket().connect(address, (int) timeout.toMillis());
			channel.socket().setTcpNoDelay(true);
			channel.socket().setSoTimeout((int) timeout.toMillis());
			RawWebSocket socket = new RawWebSocket(channel);
			socket.handshake(address, path, subprotocol);
			return socket;
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	private void handshake(InetSocketAddress address, String path, String subprotocol) throws IOException {
		byte[] nonce = new byte[16];
		ThreadLocalRandom.current().nextBytes(nonce);
		String request = "GET " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
				+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
				+ Base64.getEncoder().encodeToString(nonce) + "\r\n"
				+ ((subprotocol != null) ? "Sec-WebSocket-Protocol: " + subprotocol + "\r\n" : "") + "\r\n";
		writeFully(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
		while (true) {
			int end = indexOfHeaderEnd();
			if (end >= 0) {
				String header = new String(this.input.array(), 0, end, StandardCharsets.ISO_8859_1);
				if (!header.startsWith("HTTP/1.1 101")) {
					throw new IOException("handshake refused: " + header.lines().findFirst().orElse(""));
				}
				consume(end + 4);
				return;
			}
			if (this.input.position() >= MAX_HEADER_BYTES) {
				throw new IOException("handshake response header too large");
			}
			fillBlocking();
		}
	}

	private int indexOfHeaderEnd() {
		byte[] bytes = this.input.array();
		for (int i = 0; i + 3 < this.input.position(); i++) {
			if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
				return i;
			}
		}
		return -1;
	}

	/** Sends one masked text frame. Any thread; concurrent sends are serialized. */
	void sendText(String text) throws IOException {
		sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
	}

	private synchronized void sendFrame(int opcode, byte[] payload) throws IOException {
		int length = payload.length;
		int headerBytes = (length < 126) ? 2 : (length < 65_536) ? 4 : 10;
		ByteBuffer frame = ByteBuffer.allocate(headerBytes + 4 + length);
		frame.put((byte) (0x80 | opcode));
		if (length < 126) {
			frame.put((byte) (0x80 | length));
		}
		else if (length < 65_536) {
			frame.put((byte) (0x80 | 126)).putShort((short) length);
		}
		else {
			frame.put((byte) (0x80 | 127)).putLong(length);
		}
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		frame.put(mask);
		for (int i = 0; i < length; i++) {
			frame.put((byte) (payload[i] ^ mask[i & 3]));
		}
		frame.flip();
		writeFully(frame);
	}

	private void writeFully(ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			if (this.channel.write(buffer) == 0) {
				Thread.onSpinWait();
			}
		}
	}

	/**
	 * Blocking mode only: the next text message, answering pings on the way.
	 * @throws SocketTimeoutException if none arrives within the timeout
	 */
	String readText(Duration timeout) throws IOException {
		this.channel.socket().setSoTimeout((int) Math.max(1, timeout.toMillis()));
		String[] text = new String[1];
		while (text[0] == null) {
			if (parseFrames(received -> text[0] = received, true) == 0 && text[0] == null) {
				fillBlocking();
			}
		}
		return text[0];
	}

	/** Switches to non-blocking mode, so that a selector can watch this connection. */
	SocketChannel configureNonBlocking() throws IOException {
		this.channel.configureBlocking(false);
		return this.channel;
	}

	/**
	 * Non-blocking mode, selector thread: reads what is available and hands every complete text
	 * message to {@code onText}.
	 * @return the number of messages delivered
	 * @throws EOFException if the server closed the connection
	 */
	int readAvailable(Consumer<String> onText) throws IOException {
		int delivered = 0;
		while (true) {
			ensureRoom();
			int read = this.channel.read(this.input);
			if (read < 0) {
				throw new EOFException("connection closed by the server");
			}
			delivered += parseFrames(onText, false);
			if (read == 0) {
				return delivered;
			}
		}
	}

	private void fillBlocking() throws IOException {
		ensureRoom();
		int read = this.blockingInput.read(this.input.array(), this.input.position(), this.input.remaining());
		if (read < 0) {
			throw new EOFException("connection closed by the server");
		}
		this.input.position(this.input.position() + read);
	}

	private void ensureRoom() {
		if (!this.input.hasRemaining()) {
			ByteBuffer larger = ByteBuffer.allocate(this.input.capacity() * 2);
			this.input.flip();
			larger.put(this.input);
			this.input = larger;
		}
	}

	/** Parses the complete frames in the buffer; stops after the first message if {@code one}. */
	private int parseFrames(Consumer<String> onText, boolean one) throws IOException {
		int delivered = 0;
		byte[] bytes = this.input.array();
		while (!(one && delivered > 0)) {
			int available = this.input.position();
			if (available < 2) {
				break;
			}
			boolean fin = (bytes[0] & 0x80) != 0;
			int opcode = bytes[0] & 0x0F;
			long length = bytes[1] & 0x7F;
			int header = 2;
			if (length == 126) {
				if (available < 4) {
					break;
				}
				length = ((bytes[2] & 0xFF) << 8) | (bytes[3] & 0xFF);
				header = 4;
			}
			else if (length == 127) {
				if (available < 10) {
					break;
				}
				length = ByteBuffer.wrap(bytes, 2, 8).getLong();
				header = 10;
			}
			if ((bytes[1] & 0x80) != 0) {
				throw new IOException("the server sent a masked frame");
			}
			if (length > Integer.MAX_VALUE - 16) {
				throw new IOException("frame too large: " + length);
			}
			int total = header + (int) length;
			if (available < total) {
				if (this.input.capacity() < total) {
					ByteBuffer larger = ByteBuffer.allocate(Math.max(total, this.input.capacity() * 2));
					this.input.flip();
					larger.put(this.input);
					this.input = larger;
				}
				break;
			}
			switch (opcode) {
				case 0x0, 0x1, 0x2 -> {
					this.message.write(bytes, header, (int) length);
					if (fin) {
						onText.accept(this.message.toString(StandardCharsets.UTF_8));
						this.message.reset();
						delivered++;
					}
				}
				case 0x8 -> throw new EOFException("close frame from the server");
				case 0x9 -> {
					byte[] ping = new byte[(int) length];
					System.arraycopy(bytes, header, ping, 0, ping.length);
					sendFrame(0xA, ping);
				}
				default -> {
					// pong or reserved: ignored
				}
			}
			consume(total);
			bytes = this.input.array();
		}
		return delivered;
	}

	private void consume(int count) {
		this.input.flip();
		this.input.position(count);
		this.input.compact();
		if (this.input.position() == 0 && this.input.capacity() > 4096) {
			this.input = ByteBuffer.allocate(512);
		}
	}

	@Override
	public void close() {
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

}
