package io.syncboot.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.syncboot.server.SyncServerMain;
import io.syncboot.server.internal.embedded.ConnectionBuffers;
import io.syncboot.server.internal.embedded.EmbeddedTomcat;
import io.syncboot.server.internal.embedded.SyncEndpoint;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * The main class of a server child process whose heap the benchmarks measure apart from the load
 * generator's: {@code sync ARGS...} runs {@link SyncServerMain} with {@code ARGS};
 * {@code echo} runs a raw WebSocket echo endpoint at {@code /echo} on the sync server's own
 * embedded Tomcat (same connector and buffer settings, including the frame buffers the standalone
 * server sets for its process, no SyncBoot handler).
 *
 * <p>Prints {@code listening on ws://localhost:PORT/...} once started. Then reads commands from
 * standard input, one a line, on the main thread: {@code heap} collects garbage and prints
 * {@code heap <used bytes>}; {@code exit} (or the end of input, when the parent is gone) exits.
 */
public final class ServerProcessMain {

	private ServerProcessMain() {
	}

	public static void main(String[] args) throws IOException {
		if (args.length == 0 || !(args[0].equals("sync") || args[0].equals("echo"))) {
			System.err.println("usage: ServerProcessMain (sync SYNC-SERVER-ARGS... | echo)");
			System.exit(2);
		}
		// as SyncServerMain does, so that the echo endpoint runs with the standalone server's buffers
		ConnectionBuffers.defaultFrameBufferSize();
		if (args[0].equals("sync")) {
			String[] serverArgs = Arrays.copyOfRange(args, 1, args.length);
			Thread server = new Thread(() -> {
				try {
					SyncServerMain.main(serverArgs);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}, "sync-server-main");
			server.setDaemon(true);
			server.start();
		}
		else {
			EmbeddedTomcat tomcat = EmbeddedTomcat.start(0, new SyncEndpoint("/echo", new Echo(), new AcceptAll(),
					(request, response) -> response.setStatus(404)));
			Runtime.getRuntime().addShutdownHook(new Thread(tomcat::close, "echo-shutdown"));
			System.out.println("listening on ws://localhost:" + tomcat.port() + "/echo");
			System.out.flush();
		}
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String command;
		while ((command = commands.readLine()) != null && !command.equals("exit")) {
			if (command.equals("heap")) {
				System.out.println("heap " + usedHeapAfterGc(memory));
				System.out.flush();
			}
		}
		System.exit(0);
	}

	/** Used heap after full collections, once it no longer shrinks. */
	static long usedHeapAfterGc(MemoryMXBean memory) {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 5; i++) {
			memory.gc();
			long now = memory.getHeapMemoryUsage().getUsed();
			if (now >= used - 64 * 1024) {
				return Math.min(now, used);
			}
			used = now;
		}
		return used;
	}

	/** Echoes every text message back. */
	static final class Echo extends TextWebSocketHandler {

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage message) throws IOException {
			session.sendMessage(message);
		}

	}

	/** Lets every handshake through. */
	static final class AcceptAll implements HandshakeInterceptor {

		@Override
		public boolean beforeHandshake(org.springframework.http.server.ServerHttpRequest request,
				org.springframework.http.server.ServerHttpResponse response,
				org.springframework.web.socket.WebSocketHandler handler, java.util.Map<String, Object> attributes) {
			return true;
		}

		@Override
		public void afterHandshake(org.springframework.http.server.ServerHttpRequest request,
				org.springframework.http.server.ServerHttpResponse response,
				org.springframework.web.socket.WebSocketHandler handler, Exception exception) {
		}

	}

}
