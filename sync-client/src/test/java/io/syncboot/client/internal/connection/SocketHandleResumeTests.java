package io.syncboot.client.internal.connection;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncMessage;
import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
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
 * Back pressure on a real WebSocket: a server sends a burst of messages in one write and then
 * nothing; the client pauses reading on the first and resumes once the network thread is back
 * waiting on the socket, with the rest of the burst already in its buffer. Every message must still
 * arrive, without waiting for the server to send anything else.
 */
class SocketHandleResumeTests {

	private static final int BURST = 50;

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
			}
			catch (jakarta.websocket.DeploymentException ex) {
				throw new jakarta.servlet.ServletException(ex);
			}
		}, null);
		this.tomcat.start();
		this.uri = URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/burst");
		this.transport = new WebSocketTransport(Duration.ofSeconds(10), new MessageCodec());
	}

	@AfterEach
	void stopServer() throws Exception {
		this.transport.close();
		this.tomcat.stop();
		this.tomcat.destroy();
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
