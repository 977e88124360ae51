package io.syncboot.server;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import io.syncboot.server.internal.concurrent.NamedThreadFactory;

/**
 * Runs a {@link SyncServer} standalone until the process is terminated (SIGTERM or Ctrl-C close it
 * cleanly). Arguments: {@code --port=N} (default 8080, 0 for a free port) and
 * {@code --data-directory=DIR} (default {@code ./server-data}). Prints
 * {@code SyncBoot server listening on ws://localhost:PORT/sync} on standard output once listening.
 * Exits with status 2 on bad arguments and 1 if the server cannot start.
 */
public final class SyncServerMain {

	private static final String USAGE = "usage: SyncServerMain [--port=N] [--data-directory=DIR]";

	private SyncServerMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		int port = 8080;
		Path dataDirectory = Path.of("server-data");
		for (String arg : args) {
			try {
				if (arg.startsWith("--port=")) {
					port = Integer.parseInt(arg.substring("--port=".length()));
				}
				else if (arg.startsWith("--data-directory=")) {
					dataDirectory = Path.of(arg.substring("--data-directory=".length()));
				}
				else if (arg.equals("--help") || arg.equals("-h")) {
					System.out.println(USAGE);
					return;
				}
				else {
					exit(2, "unknown argument '" + arg + "'\n" + USAGE);
				}
			}
			catch (RuntimeException ex) {
				exit(2, "invalid argument '" + arg + "': " + ex.getMessage() + "\n" + USAGE);
			}
		}
		SyncServer server;
		try {
			server = SyncServer.builder().port(port).dataDirectory(dataDirectory).allowAnonymous().build().start();
		}
		catch (RuntimeException ex) {
			exit(1, "SyncBoot server failed to start: " + ex.getMessage());
			return;
		}
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new NamedThreadFactory("shutdown").newThread(() -> {
			server.close();
			stopped.countDown();
		}));
		System.err.println("WARNING: SyncBoot server running WITHOUT authentication (development only)");
		System.out.println("SyncBoot server listening on " + server.url());
		System.out.flush();
		stopped.await();
	}

	private static void exit(int status, String message) {
		System.err.println(message);
		System.exit(status);
	}

}
