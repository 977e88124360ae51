package io.syncboot.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.protocol.SyncProtocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A raw protocol client for tests: the JDK's WebSocket, JSON through {@link MessageCodec}, every
 * received message in a queue.
 */
final class RawSyncClient implements AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final MessageCodec codec = new MessageCodec();

	private final BlockingQueue<SyncMessage> received = new LinkedBlockingQueue<>();

	private final List<String> rawTexts = new ArrayList<>();

	private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

	private final WebSocket webSocket;

	/** The ident a bound session got. */
	record Identity(long fileId, long fileSalt, long serverSalt) {
	}

	RawSyncClient(URI url) {
		this(url, null);
	}

	/** Connects with {@code Authorization: Bearer <token>} (none if {@code token} is null). */
	RawSyncClient(URI url, String token) {
		this.webSocket = connect(url, token, new Listener()).orTimeout(10, TimeUnit.SECONDS).join();
	}

	private static CompletableFuture<WebSocket> connect(URI url, String token, WebSocket.Listener listener) {
		WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols(SyncProtocol.SUBPROTOCOL);
		if (token != null) {
			builder.header("Authorization", "Bearer " + token);
		}
		return builder.buildAsync(url, listener);
	}

	/**
	 * Tries to connect; returns the HTTP status of a refused handshake (and its headers), or fails
	 * the test if the handshake succeeds.
	 */
	static java.net.http.HttpResponse<?> refusedHandshake(URI url, String token) {
		try {
			WebSocket webSocket = connect(url, token, new WebSocket.Listener() {
			}).get(10, TimeUnit.SECONDS);
			webSocket.abort();
			return fail("the handshake succeeded");
		}
		catch (java.util.concurrent.ExecutionException ex) {
			if (ex.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
				return refused.getResponse();
			}
			return fail("the handshake failed otherwise: " + ex.getCause());
		}
		catch (InterruptedException | java.util.concurrent.TimeoutException ex) {
			return fail("the handshake did not finish: " + ex);
		}
	}

	private final class Listener implements WebSocket.Listener {

		private final StringBuilder buffer = new StringBuilder();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.buffer.append(data);
			if (last) {
				String text = this.buffer.toString();
				this.buffer.setLength(0);
				synchronized (RawSyncClient.this.rawTexts) {
					RawSyncClient.this.rawTexts.add(text);
				}
				RawSyncClient.this.received.add(RawSyncClient.this.codec.decode(text));
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			RawSyncClient.this.closeCode.complete(statusCode);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			RawSyncClient.this.closeCode.completeExceptionally(error);
		}

	}

	void send(SyncMessage message) {
		sendText(this.codec.encode(message));
	}

	void sendText(String text) {
		this.webSocket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
	}

	/** The next message, which must be of this type. */
	<T extends SyncMessage> T expect(Class<T> type) {
		SyncMessage message = next();
		assertThat(message).isInstanceOf(type);
		return type.cast(message);
	}

	SyncMessage next() {
		try {
			SyncMessage message = this.received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			if (message == null) {
				fail("no message within " + TIMEOUT);
			}
			return message;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Collects downloads (skipping nothing else: any other message fails) until one matches. */
	List<SyncMessage.Download> downloadsUntil(Predicate<SyncMessage.Download> last) {
		List<SyncMessage.Download> downloads = new ArrayList<>();
		while (true) {
			SyncMessage.Download download = expect(SyncMessage.Download.class);
			downloads.add(download);
			if (last.test(download)) {
				return downloads;
			}
		}
	}

	/** The next message, or null if none arrives within the duration. */
	SyncMessage poll(Duration duration) throws InterruptedException {
		return this.received.poll(duration.toMillis(), TimeUnit.MILLISECONDS);
	}

	void sendBinary(byte[] bytes) {
		this.webSocket.sendBinary(java.nio.ByteBuffer.wrap(bytes), true).orTimeout(10, TimeUnit.SECONDS).join();
	}

	/** Whether nothing arrives for a while. */
	boolean isQuietFor(Duration duration) throws InterruptedException {
		return this.received.poll(duration.toMillis(), TimeUnit.MILLISECONDS) == null;
	}

	/** Binds a new client file on a session and idents it from cursor 0; returns after the first download. */
	Identity bindNew(long session, String partition) {
		send(new SyncMessage.Bind(session, partition, true));
		SyncMessage.Ident ident = expect(SyncMessage.Ident.class);
		assertThat(ident.session()).isEqualTo(session);
		send(new SyncMessage.Ident(session, ident.clientFileId(), ident.fileSalt(), 0, 0, ident.serverSalt()));
		return new Identity(ident.clientFileId(), ident.fileSalt(), ident.serverSalt());
	}

	void upload(long session, Changeset... changesets) {
		send(new SyncMessage.Upload(session, List.of(changesets)));
	}

	List<String> rawTexts() {
		synchronized (this.rawTexts) {
			return new ArrayList<>(this.rawTexts);
		}
	}

	/** The close code the server sent, waiting for it. */
	int awaitCloseCode() {
		return this.closeCode.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
	}

	@Override
	public void close() {
		if (!this.webSocket.isOutputClosed()) {
			this.webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(ex -> null).join();
		}
		this.webSocket.abort();
	}

}
