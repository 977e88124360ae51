package io.syncboot.server.internal.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import jakarta.websocket.server.ServerContainer;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardServer;
import org.apache.catalina.core.StandardThreadExecutor;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * An embedded Tomcat serving one Spring MVC {@link DispatcherServlet} whose context holds the
 * {@link SyncWebSocketConfiguration}, with the small per-connection buffers and the connection
 * limit of {@link ConnectionBuffers}. Request threads are daemon threads named
 * {@code syncboot-server-http-<n>}. Not thread-safe: the owning server starts and closes it.
 */
public final class EmbeddedTomcat implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedTomcat.class);

	private final Tomcat tomcat;

	private final Connector connector;

	private final Context context;

	private final Path baseDirectory;

	private EmbeddedTomcat(Tomcat tomcat, Connector connector, Context context, Path baseDirectory) {
		this.tomcat = tomcat;
		this.connector = connector;
		this.context = context;
		this.baseDirectory = baseDirectory;
	}

	/**
	 * Starts Tomcat on a port (0 for a free one) with the endpoint registered, accepting up to
	 * {@link ConnectionBuffers#DEFAULT_MAX_CONNECTIONS} connections.
	 * @throws IllegalStateException if it cannot start (for example the port is in use)
	 */
	public static EmbeddedTomcat start(int port, SyncEndpoint endpoint) {
		return start(port, ConnectionBuffers.DEFAULT_MAX_CONNECTIONS, endpoint);
	}

	/**
	 * Starts Tomcat on a port (0 for a free one) with the endpoint registered, accepting up to
	 * {@code maxConnections} open connections (more wait in the TCP backlog until one closes).
	 * @throws IllegalStateException if it cannot start (for example the port is in use)
	 */
	public static EmbeddedTomcat start(int port, int maxConnections, SyncEndpoint endpoint) {
		if (maxConnections < 1) {
			throw new IllegalArgumentException("maxConnections must be at least 1, was " + maxConnections);
		}
		Path baseDirectory;
		try {
			baseDirectory = Files.createTempDirectory("syncboot-server-tomcat-");
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot create Tomcat's base directory: " + ex, ex);
		}
		Tomcat tomcat = new Tomcat();
		tomcat.setSilent(true);
		tomcat.setBaseDir(baseDirectory.toString());
		if (tomcat.getServer() instanceof StandardServer server) {
			server.setUtilityThreadsAsDaemon(true);
		}
		StandardThreadExecutor executor = new StandardThreadExecutor();
		executor.setName("syncboot-http");
		executor.setNamePrefix("syncboot-server-http-");
		executor.setDaemon(true);
		executor.setMinSpareThreads(4);
		tomcat.getService().addExecutor(executor);
		Connector connector = new Connector("HTTP/1.1");
		connector.setPort(port);
		// room for bearer tokens up to the authenticator's limit, which then answers 401 itself
		connector.setProperty("maxHttpHeaderSize", "32768");
		ConnectionBuffers.applyTo(connector, maxConnections);
		connector.getProtocolHandler().setExecutor(executor);
		tomcat.getService().addConnector(connector);
		tomcat.setConnector(connector);

		Context context = tomcat.addContext("", baseDirectory.toString());
		if (context instanceof StandardContext standard) {
			standard.setFailCtxIfServletStartFails(true);
			standard.setClearReferencesThreadLocals(false);
			standard.setClearReferencesRmiTargets(false);
		}
		ConnectionBuffers.applyTo(context);
		context.addServletContainerInitializer(new WsSci(), null);
		AnnotationConfigWebApplicationContext application = new AnnotationConfigWebApplicationContext();
		application.setDisplayName("syncboot-server");
		application.addBeanFactoryPostProcessor(factory -> factory.registerSingleton("syncEndpoint", endpoint));
		application.register(SyncWebSocketConfiguration.class);
		Wrapper servlet = Tomcat.addServlet(context, "syncboot", new DispatcherServlet(application));
		servlet.setLoadOnStartup(1);
		context.addServletMappingDecoded("/", "syncboot");

		EmbeddedTomcat embedded = new EmbeddedTomcat(tomcat, connector, context, baseDirectory);
		try {
			tomcat.start();
			if (connector.getState() != LifecycleState.STARTED || connector.getLocalPort() <= 0) {
				throw new IllegalStateException("the connector did not start on port " + port
						+ " (is the port in use?)");
			}
			if (context.getState() != LifecycleState.STARTED) {
				throw new IllegalStateException("the web application did not start");
			}
			int frameBuffer = ConnectionBuffers.frameBufferBytes();
			logger.debug("WebSocket frame buffers: {} bytes per session ({})", frameBuffer,
					ConnectionBuffers.FRAME_BUFFER_PROPERTY);
		}
		catch (LifecycleException | RuntimeException ex) {
			embedded.close();
			if (ex instanceof IllegalStateException ise) {
				throw ise;
			}
			throw new IllegalStateException("cannot start Tomcat on port " + port + ": " + ex.getMessage(), ex);
		}
		return embedded;
	}

	/** The port Tomcat listens on. */
	public int port() {
		return this.connector.getLocalPort();
	}

	/**
	 * A property of the running connector, as Tomcat reports it (for example {@code maxConnections}
	 * or {@code socket.appReadBufSize}), or {@code null} if it has none of that name.
	 */
	public @Nullable Object connectorProperty(String name) {
		return this.connector.getProperty(name);
	}

	/** The WebSocket container of the web application, or {@code null} if it did not start one. */
	public @Nullable ServerContainer webSocketContainer() {
		return (ServerContainer) this.context.getServletContext().getAttribute(ServerContainer.class.getName());
	}

	/** Stops accepting new connections; open ones go on until {@link #close()}. */
	public void stopAccepting() {
		try {
			this.connector.pause();
		}
		catch (RuntimeException ex) {
			logger.debug("Pausing the connector failed: {}", ex.toString());
		}
	}

	/** Stops accepting, stops Tomcat and deletes its base directory. Idempotent. */
	@Override
	public void close() {
		try {
			if (this.tomcat.getServer().getState().isAvailable()) {
				this.tomcat.stop();
			}
			this.tomcat.destroy();
		}
		catch (LifecycleException | RuntimeException ex) {
			logger.warn("Stopping Tomcat failed", ex);
		}
		try (Stream<Path> paths = Files.walk(this.baseDirectory)) {
			paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not delete {}: {}", this.baseDirectory, ex.toString());
		}
	}

}
