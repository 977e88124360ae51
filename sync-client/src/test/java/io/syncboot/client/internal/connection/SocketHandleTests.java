package io.syncboot.client.internal.connection;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncMessage;
import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link SocketHandle} against real WebSocket endpoints on an embedded Tomcat: messages that
 * arrive in fragments, the message size limit, and back pressure (pause and resume).
 */
class SocketHandleTests {

	private static final int BURST = 50;

	private static final int LIMIT = 64 * 1024;

	@TempDir
	Path baseDirectory;

	private Tomcat tomcat;

	private URI uri;

	private WebSocketTransport transport;

	@BeforeEach
	void startServer() throws Exception {
		this.tomcat = new Tomcat();
		this.tomcat.setBaseDir(Files.createDirectories(this.baseDirectory.resolve("tomcat")).toString());
		Connector connector = new Connector();
		connector.setPort(0);
		connector.setProperty("address", "127.0.0.1");
		this.tomcat.getService().addConnector(connector);
		this.tomcat.setConnector(connector);
		Context context = this.tomcat.addContext("", this.baseDirectory.toString());
		// requests reach the WebSocket upgrade filter only when some servlet is mapped
		Tomcat.addServlet(context, "default", new HttpServlet() {
			private static final long serialVersionUID = 1L;
		});
		context.addServletMappingDecoded("/", "default");
		context.addServletContainerInitializer(new WsSci(), null);
		context.addServletContainerInitializer((classes, servletContext) -> {
			ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
			try {
				container.addEndpoint(ServerEndpointConfig.Builder.create(Burst.class, "/burst").build());
				container.addEndpoint(ServerEndpointConfig.Builder.create(Fragments.class, "/fragments").build());
			}
			catch (jakarta.websocket.DeploymentException ex) {
				throw new jakarta.servlet.ServletException(ex);
			}
		}, null);
		this.tomcat.start();
		this.uri = URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/burst");
		this.transport = new WebSocketTransport(Duration.ofSeconds(10), new MessageCodec(LIMIT));
	}

	@AfterEach
	void stopServer() throws Exception {
		this.transport.close();
		this.tomcat.stop();
		this.tomcat.destroy();
	}

	@Test
	void aMessageSentInFragmentsIsDecodedWholeAndTheNextOneOnItsOwn() throws Exception {
		Received received = connect("/fragments?case=valid");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received.messages).hasSize(3));
		assertThat(received.messages).containsExactly(new SyncMessage.Ping(1234567), new SyncMessage.Ping(7),
				new SyncMessage.Ping(42));
		assertThat(received.errors).isEmpty();
	}

	@Test
	void fragmentsBeyondTheLimitAreAProtocolErrorAndNotDelivered() throws Exception {
		Received received = connect("/fragments?case=tooManyFragments");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received.errors).isNotEmpty());
		assertThat(received.errors.get(0).code()).isEqualTo(ErrorCode.MESSAGE_TOO_BIG);
		assertThat(received.messages).isEmpty();
	}

	@Test
	void aMessageWithinTheLimitInCharactersButBeyondItInUtf8BytesIsAProtocolError() throws Exception {
		Received received = connect("/fragments?case=tooManyBytes");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received.errors).isNotEmpty());
		assertThat(received.errors.get(0).code()).isEqualTo(ErrorCode.MESSAGE_TOO_BIG);
		assertThat(received.messages).isEmpty();
	}

	private Received connect(String path) {
		Received received = new Received();
		received.handle = this.transport.connect(this.uri.resolve(path), Optional::empty, received);
		return received;
	}

	/** What a connection delivered to its listener. */
	private static final class Received implements TransportListener {

		final List<SyncMessage> messages = new CopyOnWriteArrayList<>();

		final List<ProtocolException> errors = new CopyOnWriteArrayList<>();

		SocketHandle handle;

		@Override
		public void onOpen() {
		}

		@Override
		public void onMessage(SyncMessage message) {
			this.messages.add(message);
		}

		@Override
		public void onProtocolError(ProtocolException error) {
			this.errors.add(error);
			this.handle.close(CloseStatus.PROTOCOL_ERROR);
		}

		@Override
		public void onFailure(Throwable error) {
		}

		@Override
		public void onClosed(int code, String reason) {
		}

	}

	@Test
	void messagesBufferedWhilePausedArriveAfterResumeThoughTheServerSendsNothingMore() throws Exception {
		AtomicInteger received = new AtomicInteger();
		CountDownLatch first = new CountDownLatch(1);
		AtomicReference<SocketHandle> handle = new AtomicReference<>();
		handle.set(this.transport.connect(this.uri, Optional::empty, new TransportListener() {

			@Override
			public void onOpen() {
			}

			@Override
			public void onMessage(SyncMessage message) {
				if (received.incrementAndGet() == 1) {
					// paused on the network thread, in the middle of the buffered burst
					handle.get().pauseReading();
					first.countDown();
				}
			}

			@Override
			public void onProtocolError(ProtocolException error) {
			}

			@Override
			public void onFailure(Throwable error) {
			}

			@Override
			public void onClosed(int code, String reason) {
			}

		}));
		assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
		// the network thread returns to a pending socket read with the rest of the burst buffered
		Thread.sleep(300);
		assertThat(received).as("paused").hasValue(1);

		handle.get().resumeReading();

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received).hasValue(BURST));
		handle.get().close(CloseStatus.NORMAL);
	}

	/**
	 * Sends, by the {@code case} query parameter: {@code valid}, a ping in fragments of 3 characters
	 * padded with whitespace to about 20,000 characters, then a ping in fragments, then one in a
	 * single frame; {@code tooManyFragments}, fragments adding up to more than the limit in
	 * characters; {@code tooManyBytes}, a message of fewer characters than the limit that takes more
	 * UTF-8 bytes, in fragments.
	 */
	public static final class Fragments extends Endpoint {

		@Override
		public void onOpen(Session session, EndpointConfig config) {
			try {
				RemoteEndpoint.Basic remote = session.getBasicRemote();
				switch (session.getRequestParameterMap().get("case").get(0)) {
					case "valid" -> {
						sendInPieces(remote, "{\"type\":\"ping\",\"timestamp\":1234567}" + " ".repeat(20_000), 3);
						sendInPieces(remote, "{\"type\":\"ping\",\"timestamp\":7}", 5);
						remote.sendText("{\"type\":\"ping\",\"timestamp\":42}");
					}
					case "tooManyFragments" -> {
						for (int i = 0; i <= LIMIT / 1024; i++) {
							remote.sendText("{" + " ".repeat(1023), false);
						}
						remote.sendText("}", true);
					}
					case "tooManyBytes" -> sendInPieces(remote,
							"{\"type\":\"ping\",\"timestamp\":1,\"x\":\"" + "\u20ac".repeat(LIMIT / 2) + "\"}", 4096);
					default -> throw new IllegalArgumentException("unknown case");
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

		private static void sendInPieces(RemoteEndpoint.Basic remote, String text, int piece) throws IOException {
			for (int start = 0; start < text.length(); start += piece) {
				int end = Math.min(text.length(), start + piece);
				remote.sendText(text.substring(start, end), end == text.length());
			}
		}

	}

	/** Sends {@value #BURST} small messages in one write on open, then nothing. */
	public static final class Burst extends Endpoint {

		@Override
		public void onOpen(Session session, EndpointConfig config) {
			try {
				session.getAsyncRemote().setBatchingAllowed(true);
				for (int i = 0; i < BURST; i++) {
					session.getBasicRemote().sendText("{\"type\":\"ping\",\"timestamp\":" + i + "}");
				}
				// batching off again flushes the burst, and lets the container answer pings at once
				session.getAsyncRemote().setBatchingAllowed(false);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
