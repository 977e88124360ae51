package io.syncboot.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * A raw WebSocket echo server on the same Tomcat stack the sync server runs on, with no application
 * logic: the physical limit P1 for a round trip.
 */
final class EchoServer implements AutoCloseable {

	private final Tomcat tomcat;

	private final Path baseDirectory;

	private final int port;

	EchoServer() throws IOException, LifecycleException {
		this.baseDirectory = Files.createTempDirectory("syncboot-bench-echo-");
		this.tomcat = new Tomcat();
		this.tomcat.setBaseDir(this.baseDirectory.toString());
		Connector connector = new Connector();
		connector.setPort(0);
		connector.setProperty("address", "127.0.0.1");
		this.tomcat.getService().addConnector(connector);
		this.tomcat.setConnector(connector);
		Context context = this.tomcat.addContext("", this.baseDirectory.toString());
		// Requests reach the WebSocket upgrade filter only when some servlet is mapped.
		Tomcat.addServlet(context, "default", new jakarta.servlet.http.HttpServlet() {
			private static final long serialVersionUID = 1L;
		});
		context.addServletMappingDecoded("/", "default");
		context.addServletContainerInitializer(new WsSci(), null);
		context.addServletContainerInitializer((classes, servletContext) -> {
			ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
			try {
				container.addEndpoint(ServerEndpointConfig.Builder.create(Echo.class, "/echo").build());
			}
			catch (jakarta.websocket.DeploymentException ex) {
				throw new jakarta.servlet.ServletException(ex);
			}
		}, null);
		this.tomcat.start();
		this.port = connector.getLocalPort();
	}

	int port() {
		return this.port;
	}

	@Override
	public void close() throws Exception {
		this.tomcat.stop();
		this.tomcat.destroy();
		WorkDirectories.deleteTree(this.baseDirectory);
	}

	/** Echoes every text message back. */
	public static final class Echo extends Endpoint {

		@Override
		public void onOpen(Session session, EndpointConfig config) {
			session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
				try {
					session.getBasicRemote().sendText(text);
				}
				catch (IOException ex) {
					// the client went away
				}
			});
		}

	}

}
