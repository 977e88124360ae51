package io.syncboot.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server in a child JVM ({@link ServerProcessMain}) on loopback, so that its heap is measured
 * without the load generator's: either the sync server ({@link #sync(Path)}) or the raw echo
 * endpoint on the same embedded Tomcat ({@link #echo()}). Started with a fixed 2 GiB heap ceiling
 * and the default collector, plus the options of the system property
 * {@value #JVM_OPTIONS_PROPERTY}. Not thread-safe: one benchmark thread drives it. Closing
 * destroys the process.
 */
final class ChildServer implements AutoCloseable {

	/** A system property with more JVM options for the child, separated by spaces (such as a profiler's). */
	static final String JVM_OPTIONS_PROPERTY = "syncboot.benchmarks.serverJvmOptions";

	private static final Pattern LISTENING = Pattern.compile("listening on ws://localhost:(\\d+)(/\\S*)");

	private final Process process;

	private final BufferedReader output;

	private final PrintWriter commands;

	private final int port;

	private final String path;

	private ChildServer(List<String> arguments) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx2g");
		command.add("-XX:+UseG1GC");
		String options = System.getProperty(JVM_OPTIONS_PROPERTY, "").trim();
		if (!options.isEmpty()) {
			command.addAll(List.of(options.split("\\s+")));
		}
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(ServerProcessMain.class.getName());
		command.addAll(arguments);
		this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		this.output = new BufferedReader(new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
		this.commands = new PrintWriter(this.process.getOutputStream(), true, StandardCharsets.UTF_8);
		String line;
		Matcher matcher = null;
		while ((line = this.output.readLine()) != null) {
			matcher = LISTENING.matcher(line);
			if (matcher.find()) {
				break;
			}
		}
		if (line == null) {
			this.process.destroyForcibly();
			throw new IOException("the server process " + arguments + " exited before listening");
		}
		this.port = Integer.parseInt(matcher.group(1));
		this.path = matcher.group(2);
	}

	/** Starts {@code SyncServerMain --port=0 --data-directory=DIR --allow-anonymous} in a child JVM. */
	static ChildServer sync(Path dataDirectory) throws IOException {
		return new ChildServer(List.of("sync", "--port=0", "--data-directory=" + dataDirectory, "--allow-anonymous"));
	}

	/** Starts a raw echo endpoint on the sync server's embedded Tomcat in a child JVM. */
	static ChildServer echo() throws IOException {
		return new ChildServer(List.of("echo"));
	}

	InetSocketAddress address() {
		return new InetSocketAddress("127.0.0.1", this.port);
	}

	/** The WebSocket endpoint's path, {@code /sync} or {@code /echo}. */
	String path() {
		return this.path;
	}

	/** The CPU time the child process used so far, in nanoseconds (-1 if the platform does not say). */
	long cpuNanos() {
		return this.process.toHandle().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
	}

	/** The child's used heap in bytes after full garbage collections. */
	long usedHeapAfterGc() throws IOException {
		this.commands.println("heap");
		String line;
		while ((line = this.output.readLine()) != null) {
			if (line.startsWith("heap ")) {
				return Long.parseLong(line.substring(5).trim());
			}
		}
		throw new IOException("the server process exited");
	}

	@Override
	public void close() throws InterruptedException {
		this.commands.println("exit");
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
	}

}
