package io.syncboot.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.syncboot.core.protocol.SyncProtocol;

/**
 * A raw WebSocket connection (the JDK's client) that sends whatever a test gives it and records
 * every text message received and the close code, for hostile-input tests.
 */
final class RawSocket implements WebSocket.Listener {

	final List<String> received = new CopyOnWriteArrayList<>();

	final CompletableFuture<Integer> closed = new CompletableFuture<>();

	private final StringBuilder partial = new StringBuilder();

	private WebSocket socket;

	static RawSocket connect(HttpClient client, URI url) throws Exception {
		RawSocket raw = new RawSocket();
		raw.socket = client.newWebSocketBuilder()
			.subprotocols(SyncProtocol.SUBPROTOCOL)
			.connectTimeout(Duration.ofSeconds(30))
			.buildAsync(url, raw)
			.get(30, TimeUnit.SECONDS);
		return raw;
	}

	/** Sends one text frame; returns false if the socket is already closed or the send failed. */
	boolean sendText(String text, boolean last) {
		try {
			this.socket.sendText(text, last).get(30, TimeUnit.SECONDS);
			return true;
		}
		catch (Exception ex) {
			return false;
		}
	}

	boolean sendBinary(byte[] bytes) {
		try {
			this.socket.sendBinary(ByteBuffer.wrap(bytes), true).get(30, TimeUnit.SECONDS);
			return true;
		}
		catch (Exception ex) {
			return false;
		}
	}

	/** The close code the server sent, or -1 if it did not close within the timeout. */
	int awaitClose(Duration timeout) {
		try {
			return this.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			return -1;
		}
	}

	void abort() {
		this.socket.abort();
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		this.partial.append(data);
		if (last) {
			this.received.add(this.partial.toString());
			this.partial.setLength(0);
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.closed.complete(statusCode);
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.closed.complete(-2);
	}

}
