package io.syncboot.test.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy for tests that injects network faults between a client and a server: it forwards
 * every connection accepted on {@link #port()} to the target, and on request drops every
 * connection ({@link #dropAll()}), holds all traffic while keeping the sockets open
 * ({@link #blackHole()}), delays traffic ({@link #latency(Duration)}), or cuts a connection in the
 * middle of the next chunk it forwards ({@link #cutNextChunk()}); {@link #heal()} ends the black
 * hole and the latency.
 *
 * <p>Threads: one accept thread, and two forwarding threads per connection (one per direction),
 * all daemon threads named {@code fault-proxy-*}. Every method is thread-safe and returns at once.
 * Held traffic is not lost: bytes (and end-of-stream) read while the black hole is on are
 * delivered, in order, after {@link #heal()}, unless the connection is dropped first.
 *
 * <p>Failures: {@link #start(String, int)} throws {@link UncheckedIOException} if it cannot
 * listen; forwarding failures close the affected connection only. Create with
 * {@link #start(String, int)}; {@link #close()} stops listening and drops every connection.
 */
public final class FaultProxy implements AutoCloseable {

	private static final int BUFFER_BYTES = 16 * 1024;

	private static final AtomicInteger instances = new AtomicInteger();

	private final InetSocketAddress target;

	private final ServerSocket listener;

	private final String name;

	private final Set<Link> links = ConcurrentHashMap.newKeySet();

	private final Object holdLock = new Object();

	private boolean holding; // guarded by holdLock

	private volatile long latencyNanos;

	private final AtomicBoolean cutArmed = new AtomicBoolean();

	private final AtomicInteger accepted = new AtomicInteger();

	private volatile boolean closed;

	private FaultProxy(InetSocketAddress target, ServerSocket listener) {
		this.target = target;
		this.listener = listener;
		this.name = "fault-proxy-" + instances.incrementAndGet();
		Thread acceptor = new Thread(this::acceptLoop, this.name + "-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * Starts a proxy on a free local port that forwards to {@code host:port}.
	 * @throws IllegalArgumentException if {@code host} is null or {@code port} is out of range
	 * @throws UncheckedIOException if no local port can be opened
	 */
	public static FaultProxy start(String host, int port) {
		if (host == null) {
			throw new IllegalArgumentException("host must not be null");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("port must be in [1, 65535], was " + port);
		}
		try {
			ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			return new FaultProxy(new InetSocketAddress(host, port), listener);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot open a local port for the proxy", ex);
		}
	}

	/** The local port clients connect to. */
	public int port() {
		return this.listener.getLocalPort();
	}

	/**
	 * {@code uri} with its host and port replaced by this proxy's, for example
	 * {@code ws://localhost:8080/sync} becomes {@code ws://127.0.0.1:<port>/sync}.
	 * @throws IllegalArgumentException if {@code uri} is null
	 */
	public URI proxied(URI uri) {
		if (uri == null) {
			throw new IllegalArgumentException("uri must not be null");
		}
		return URI.create(uri.getScheme() + "://127.0.0.1:" + port() + (uri.getRawPath() == null ? "" : uri.getRawPath()));
	}

	/** The number of connections open now (a held one counts as open). */
	public int connectionCount() {
		return this.links.size();
	}

	/** The number of connections accepted since the start. */
	public int acceptedCount() {
		return this.accepted.get();
	}

	/** Closes every open connection at once, in both directions; new connections are still accepted. */
	public void dropAll() {
		new ArrayList<>(this.links).forEach(Link::close);
	}

	/**
	 * Stops forwarding on every connection, current and new, while keeping the sockets open: nothing
	 * arrives on either side, and neither side learns that the other closed, until {@link #heal()}.
	 */
	public void blackHole() {
		synchronized (this.holdLock) {
			this.holding = true;
		}
	}

	/**
	 * Delays each chunk of traffic by {@code delay} before forwarding it (order is kept).
	 * @throws IllegalArgumentException if {@code delay} is null or negative
	 */
	public void latency(Duration delay) {
		if (delay == null || delay.isNegative()) {
			throw new IllegalArgumentException("delay must be zero or positive, was " + delay);
		}
		this.latencyNanos = delay.toNanos();
	}

	/**
	 * Arms a one-shot fault: the next chunk read in either direction on any connection is forwarded
	 * only in part (its first half), then that connection is closed, so the receiver sees a frame
	 * cut in the middle.
	 */
	public void cutNextChunk() {
		this.cutArmed.set(true);
	}

	/** Ends the black hole (held traffic flows again, in order) and the latency; disarms a pending cut. */
	public void heal() {
		this.latencyNanos = 0;
		this.cutArmed.set(false);
		synchronized (this.holdLock) {
			this.holding = false;
			this.holdLock.notifyAll();
		}
	}

	/** Stops listening and drops every connection; idempotent. */
	@Override
	public void close() {
		this.closed = true;
		try {
			this.listener.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		dropAll();
		synchronized (this.holdLock) {
			this.holdLock.notifyAll();
		}
	}

	private void acceptLoop() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.listener.accept();
			}
			catch (IOException ex) {
				return;
			}
			this.accepted.incrementAndGet();
			Socket server = new Socket();
			try {
				server.connect(this.target, 10_000);
				client.setTcpNoDelay(true);
				server.setTcpNoDelay(true);
			}
			catch (IOException ex) {
				closeQuietly(client);
				closeQuietly(server);
				continue;
			}
			Link link = new Link(client, server);
			this.links.add(link);
			if (this.closed) {
				link.close();
				return;
			}
			link.start();
		}
	}

	/** Blocks while the black hole is on; returns {@code false} if the link closed meanwhile. */
	private boolean awaitForwarding(Link link) {
		synchronized (this.holdLock) {
			while (this.holding && !link.closed.get() && !this.closed) {
				try {
					this.holdLock.wait(100);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
		}
		return !link.closed.get();
	}

	private void delay() throws InterruptedException {
		long nanos = this.latencyNanos;
		if (nanos > 0) {
			Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// nothing to do
		}
	}

	/** One proxied connection: the client's socket and the socket to the target. */
	private final class Link {

		private final Socket client;

		private final Socket server;

		private final AtomicBoolean closed = new AtomicBoolean();

		private final AtomicInteger halvesDone = new AtomicInteger();

		Link(Socket client, Socket server) {
			this.client = client;
			this.server = server;
		}

		void start() {
			String id = FaultProxy.this.name + "-" + this.client.getPort();
			startPump(this.client, this.server, id + "-up");
			startPump(this.server, this.client, id + "-down");
		}

		private void startPump(Socket from, Socket to, String threadName) {
			Thread thread = new Thread(() -> pump(from, to), threadName);
			thread.setDaemon(true);
			thread.start();
		}

		private void pump(Socket from, Socket to) {
			byte[] buffer = new byte[BUFFER_BYTES];
			try {
				while (true) {
					int read = from.getInputStream().read(buffer);
					if (!awaitForwarding(this)) {
						return;
					}
					delay();
					if (read < 0) {
						halfClose(to);
						return;
					}
					if (read > 0 && FaultProxy.this.cutArmed.compareAndSet(true, false)) {
						to.getOutputStream().write(buffer, 0, Math.max(1, read / 2));
						to.getOutputStream().flush();
						close();
						return;
					}
					to.getOutputStream().write(buffer, 0, read);
					to.getOutputStream().flush();
				}
			}
			catch (IOException | InterruptedException ex) {
				close();
			}
		}

		private void halfClose(Socket to) {
			try {
				to.shutdownOutput();
			}
			catch (IOException ex) {
				close();
				return;
			}
			if (this.halvesDone.incrementAndGet() == 2) {
				close();
			}
		}

		void close() {
			if (!this.closed.compareAndSet(false, true)) {
				return;
			}
			FaultProxy.this.links.remove(this);
			try {
				// an abortive close, as a real network failure looks to both ends
				this.client.setSoLinger(true, 0);
				this.server.setSoLinger(true, 0);
			}
			catch (SocketException ex) {
				// close anyway
			}
			closeQuietly(this.client);
			closeQuietly(this.server);
		}

	}

}
