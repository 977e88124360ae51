package io.syncboot.client.e2e;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.syncboot.client.SyncClientSettings;
import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.protocol.SyncMessage;

/**
 * A scripted WebSocket peer on a plain socket, for tests that need a server that misbehaves: it
 * accepts one connection, records the handshake headers, answers the upgrade (or refuses it), and
 * reads and writes unfragmented text frames. Not thread-safe; one test thread drives it.
 */
final class FakeSyncServer implements AutoCloseable {

	private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

	private final MessageCodec codec = new MessageCodec();

	private final ServerSocket listener;

	private Socket socket;

	private final List<Socket> abandoned = new ArrayList<>();

	private DataInputStream in;

	private OutputStream out;

	FakeSyncServer() throws IOException {
		this.listener = new ServerSocket(0);
		this.listener.setSoTimeout((int) TimeUnit.SECONDS.toMillis(60));
	}

	URI url() {
		return URI.create("ws://localhost:" + this.listener.getLocalPort() + "/sync");
	}

	/**
	 * Accepts the next connection and reads its handshake request headers (names lower-cased). The
	 * previous connection stays open, silent, until {@link #close()}.
	 */
	Map<String, String> acceptHandshake() throws IOException {
		if (this.socket != null) {
			this.abandoned.add(this.socket);
		}
		this.socket = this.listener.accept();
		this.socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(60));
		this.in = new DataInputStream(this.socket.getInputStream());
		this.out = this.socket.getOutputStream();
		Map<String, String> headers = new LinkedHashMap<>();
		String line = readLine(this.in);
		headers.put(":request", line);
		while (!(line = readLine(this.in)).isEmpty()) {
			int colon = line.indexOf(':');
			headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
		}
		return headers;
	}

	/** Refuses the upgrade with an HTTP status. */
	void refuse(int status) throws IOException {
		this.out.write(("HTTP/1.1 " + status + " Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		this.out.flush();
		closeSocket();
	}

	/** Accepts the upgrade with the sync sub-protocol. */
	void upgrade(Map<String, String> headers) throws Exception {
		String accept = Base64.getEncoder()
			.encodeToString(MessageDigest.getInstance("SHA-1")
				.digest((headers.get("sec-websocket-key") + GUID).getBytes(StandardCharsets.US_ASCII)));
		this.out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Accept: " + accept + "\r\nSec-WebSocket-Protocol: " + headers.get("sec-websocket-protocol")
				+ "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
		this.out.flush();
	}

	/** Reads the next text frame from the client (skipping control frames). */
	String readText() throws IOException {
		while (true) {
			int first = this.in.readUnsignedByte();
			int second = this.in.readUnsignedByte();
			long length = second & 0x7f;
			if (length == 126) {
				length = this.in.readUnsignedShort();
			}
			else if (length == 127) {
				length = this.in.readLong();
			}
			byte[] mask = new byte[4];
			if ((second & 0x80) != 0) {
				this.in.readFully(mask);
			}
			byte[] payload = new byte[(int) length];
			this.in.readFully(payload);
			for (int i = 0; i < payload.length; i++) {
				payload[i] ^= mask[i % 4];
			}
			int opcode = first & 0x0f;
			if (opcode == 1) {
				return new String(payload, StandardCharsets.UTF_8);
			}
			if (opcode == 8) {
				throw new IOException("the client closed the connection");
			}
		}
	}

	/** Sends one text frame. */
	void sendText(String text) throws IOException {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write(0x81);
		if (payload.length < 126) {
			frame.write(payload.length);
		}
		else {
			frame.write(126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xff);
		}
		frame.write(payload);
		this.out.write(frame.toByteArray());
		this.out.flush();
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != -1) {
			if (c == '\n') {
				break;
			}
			if (c != '\r') {
				line.append((char) c);
			}
		}
		return line.toString();
	}

	private void closeSocket() throws IOException {
		if (this.socket != null) {
			this.socket.close();
			this.socket = null;
		}
	}

	@Override
	public void close() throws IOException {
		closeSocket();
		for (Socket old : this.abandoned) {
			old.close();
		}
		this.listener.close();
	}

	/** Settings of a client of this server that reconnects quickly. */
	SyncClientSettings clientSettings(Path baseDirectory) {
		return SyncClientSettings.builder()
			.serverUrl(url())
			.baseDirectory(baseDirectory)
			.reconnectInitialDelay(Duration.ofMillis(50))
			.reconnectMaxDelay(Duration.ofMillis(200))
			.build();
	}

	/** The next message the client sent, pings skipped. */
	SyncMessage next() throws IOException {
		while (true) {
			SyncMessage message = this.codec.decode(readText());
			if (!(message instanceof SyncMessage.Ping)) {
				return message;
			}
		}
	}

	/** Sends a message to the client. */
	void send(SyncMessage message) throws IOException {
		sendText(this.codec.encode(message));
	}

}
