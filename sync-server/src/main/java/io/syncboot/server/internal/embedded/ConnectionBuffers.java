package io.syncboot.server.internal.embedded;

import java.lang.reflect.Field;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;

/**
 * The per-connection buffer sizes and connection limits the embedded Tomcat ships with, chosen so
 * that an idle sync session costs about 20 KB of heap instead of Tomcat's default of about 75 KB:
 * <ul>
 * <li>socket application buffers ({@code socket.appReadBufSize}, {@code socket.appWriteBufSize}) of
 * {@value #SOCKET_BUFFER_BYTES} bytes instead of 8 KiB each: larger reads and writes bypass them and
 * go straight between the socket and the caller's buffer;</li>
 * <li>WebSocket message buffers ({@code org.apache.tomcat.websocket.textBufferSize} and
 * {@code binaryBufferSize}) of {@value #MESSAGE_BUFFER_SIZE} instead of 8 Ki (the text one is a
 * {@code char} buffer, 16 KiB by default): the sync handler takes partial messages and assembles
 * them itself, so a message up to the server's {@code maxMessageBytes} still arrives whole;</li>
 * <li>WebSocket frame buffers (input, output and encoder buffers of every session) of
 * {@value #FRAME_BUFFER_BYTES} bytes instead of 8 KiB, but only in a process of the server's own:
 * Tomcat sizes them from the JVM system property {@value #FRAME_BUFFER_PROPERTY}, which also sets
 * the default message buffers of every other Tomcat WebSocket endpoint and client in the JVM, so a
 * server embedded in another application leaves it alone and only a main method calls
 * {@link #defaultFrameBufferSize()} ({@link #frameBufferBytes()} tells the size in effect);</li>
 * <li>small caches of recycled request processors ({@value #PROCESSOR_CACHE}) and socket channels
 * ({@value #CHANNEL_CACHE}), which otherwise keep the buffers of up to thousands of closed
 * connections;</li>
 * <li>{@code maxConnections} from the server's settings, default {@value #DEFAULT_MAX_CONNECTIONS}
 * instead of Tomcat's 8,192 (beyond it Tomcat stops accepting until a connection closes).</li>
 * </ul>
 * Static helpers called once while the server starts; thread-safe. Setting a property Tomcat does
 * not know fails the start with an {@link IllegalStateException}.
 */
public final class ConnectionBuffers {

	/** Bytes of each socket application buffer (read and write) per connection. */
	public static final int SOCKET_BUFFER_BYTES = 1024;

	/** Characters of the text and bytes of the binary WebSocket message buffer per session. */
	public static final int MESSAGE_BUFFER_SIZE = 1024;

	/** Bytes of each WebSocket frame buffer per session, when this server sets them. */
	public static final int FRAME_BUFFER_BYTES = 1024;

	/** The JVM system property Tomcat sizes WebSocket frame buffers from. */
	public static final String FRAME_BUFFER_PROPERTY = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

	/** Request processors kept for reuse. */
	public static final int PROCESSOR_CACHE = 64;

	/** Closed connections' socket channels (with their buffers) kept for reuse. */
	public static final int CHANNEL_CACHE = 64;

	/** The default limit of open connections. */
	public static final int DEFAULT_MAX_CONNECTIONS = 20_000;

	private static final String TEXT_BUFFER_PARAMETER = "org.apache.tomcat.websocket.textBufferSize";

	private static final String BINARY_BUFFER_PARAMETER = "org.apache.tomcat.websocket.binaryBufferSize";

	private ConnectionBuffers() {
	}

	/**
	 * Sets the frame buffer property to {@value #FRAME_BUFFER_BYTES} unless it is set already. For the
	 * main method of a process that runs the sync server alone, before any Tomcat WebSocket class is
	 * used: Tomcat reads the property once per JVM, and it lowers the default message buffers of
	 * every Tomcat WebSocket endpoint and client in the JVM too (one that takes whole messages and
	 * sets no buffer sizes of its own then closes messages over 1 KiB with 1009).
	 */
	public static void defaultFrameBufferSize() {
		synchronized (System.getProperties()) {
			if (System.getProperty(FRAME_BUFFER_PROPERTY) == null) {
				System.setProperty(FRAME_BUFFER_PROPERTY, Integer.toString(FRAME_BUFFER_BYTES));
			}
		}
	}

	/** Sets the socket buffers, caches and connection limit on a connector before it starts. */
	static void applyTo(Connector connector, int maxConnections) {
		set(connector, "socket.appReadBufSize", SOCKET_BUFFER_BYTES);
		set(connector, "socket.appWriteBufSize", SOCKET_BUFFER_BYTES);
		set(connector, "socket.bufferPool", CHANNEL_CACHE);
		set(connector, "processorCache", PROCESSOR_CACHE);
		set(connector, "maxConnections", maxConnections);
	}

	/** Sets the WebSocket message buffer sizes of a web application before it starts. */
	static void applyTo(Context context) {
		context.addParameter(TEXT_BUFFER_PARAMETER, Integer.toString(MESSAGE_BUFFER_SIZE));
		context.addParameter(BINARY_BUFFER_PARAMETER, Integer.toString(MESSAGE_BUFFER_SIZE));
	}

	private static void set(Connector connector, String name, int value) {
		if (!connector.setProperty(name, Integer.toString(value))) {
			throw new IllegalStateException("Tomcat's connector does not accept " + name + "=" + value);
		}
	}

	/**
	 * The size of the WebSocket frame buffers in effect in this JVM (Tomcat's
	 * {@code Constants.DEFAULT_BUFFER_SIZE}), or -1 if it cannot be read. Reading it fixes the size
	 * for this JVM (Tomcat's WebSocket constants are loaded), so call it once the server started.
	 */
	public static int frameBufferBytes() {
		try {
			Class<?> constants = Class.forName("org.apache.tomcat.websocket.Constants");
			Field size = constants.getDeclaredField("DEFAULT_BUFFER_SIZE");
			size.setAccessible(true);
			return size.getInt(null);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return -1;
		}
	}

}
