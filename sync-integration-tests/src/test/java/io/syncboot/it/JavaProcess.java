package io.syncboot.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM started with this test's class path (see {@link ChildJvm} for its flags), whose
 * standard output is read line by line, whose standard input takes lines with {@link #send}, and
 * whose standard error goes to a log file under {@code target/}. {@link #kill()} sends SIGKILL, as
 * {@code kill -9} does: the process gets no chance to flush or clean up.
 *
 * <p>One test thread drives a process; the output is read on a daemon thread of its own.
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
		return start(ChildJvm.command(mainClass, List.of(args)), log);
	}

	private static JavaProcess start(List<String> command, Path log) throws IOException {
		Files.createDirectories(log.toAbsolutePath().getParent());
		ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
		return new JavaProcess(builder.start());
	}

	/**
	 * A training run that makes later starts of {@code mainClass} faster: runs it until it prints a
	 * line matching {@code done} (or exits), stops it with SIGTERM and records the classes it loaded
	 * into a class-data sharing archive. Does nothing if the class already has one; a failed run
	 * only leaves later starts slower.
	 * @return whether the class has an archive now
	 */
	static boolean warmUp(String mainClass, Path log, Predicate<String> done, String... args) throws Exception {
		if (ChildJvm.hasArchive(mainClass)) {
			return true;
		}
		long start = System.nanoTime();
		try (JavaProcess process = start(ChildJvm.archive(mainClass, List.of(args)), log)) {
			try {
				process.awaitLine(done, Duration.ofSeconds(90));
			}
			catch (IllegalStateException ex) {
				// exited or stuck: whatever it loaded may still be archived
			}
			process.process.destroy();
			if (!process.process.waitFor(60, TimeUnit.SECONDS)) {
				process.kill();
			}
		}
		boolean archived = ChildJvm.archived(mainClass);
		System.out.printf("child JVM warm-up of %s: %s in %d ms%n", mainClass, archived ? "archived" : "no archive",
				(System.nanoTime() - start) / 1_000_000);
		return archived;
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

	/** Writes one line to the process's standard input. */
	void send(String line) throws IOException {
		OutputStream in = this.process.getOutputStream();
		in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
		in.flush();
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
