package io.syncboot.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM started with this test's class path, whose standard output is read line by line and
 * whose standard error goes to a log file under {@code target/}. {@link #kill()} sends SIGKILL, as
 * {@code kill -9} does: the process gets no chance to flush or clean up.
 */
final class JavaProcess implements AutoCloseable {

	private final Process process;

	private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

	private final Thread reader;

	private JavaProcess(Process process) {
		this.process = process;
		this.reader = new Thread(this::readOutput, "child-stdout-" + process.pid());
		this.reader.setDaemon(true);
		this.reader.start();
	}

	static JavaProcess start(Class<?> mainClass, Path log, String... args) throws IOException {
		return start(mainClass.getName(), log, args);
	}

	static JavaProcess start(String mainClass, Path log, String... args) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx256m");
		command.add("-cp");
		command.add(classPath());
		command.add(mainClass);
		command.addAll(List.of(args));
		Files.createDirectories(log.getParent());
		ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
		return new JavaProcess(builder.start());
	}

	private static String classPath() {
		String surefire = System.getProperty("surefire.test.class.path");
		return (surefire != null && !surefire.isBlank()) ? surefire : System.getProperty("java.class.path");
	}

	private void readOutput() {
		try (BufferedReader in = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = in.readLine()) != null) {
				this.lines.add(line);
			}
		}
		catch (IOException ex) {
			// the process died; the lines read so far stay available
		}
	}

	/** The next line of output, or {@code null} if none arrives within the timeout. */
	String nextLine(Duration timeout) throws InterruptedException {
		return this.lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** Reads lines until one matches, failing after the timeout; returns the matching line. */
	String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			String line = nextLine(Duration.ofMillis(100));
			if (line != null && match.test(line)) {
				return line;
			}
			if (line == null && !this.process.isAlive() && this.lines.isEmpty()) {
				throw new IllegalStateException("child process exited with " + this.process.exitValue()
						+ " before printing the expected line");
			}
		}
		throw new IllegalStateException("no expected line from the child process within " + timeout);
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	long pid() {
		return this.process.pid();
	}

	/** SIGKILL, then waits until the process is gone and its output is read. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(30, TimeUnit.SECONDS);
		this.reader.join(5_000);
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			kill();
		}
	}

}
