package io.syncboot.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link SyncServerMain} child process started with this test's class path, once it printed its
 * listening line. Kill it with {@code process().destroyForcibly()} (SIGKILL, as {@code kill -9}).
 *
 * @param process the child process
 * @param url the WebSocket URL the child listens on
 */
record ServerProcess(Process process, URI url) {

	private static final Pattern LISTENING = Pattern.compile("^SyncBoot server listening on (ws://localhost:\\d+/sync)$");

	/**
	 * Starts {@code SyncServerMain} with {@code arguments} (C1 only and the serial collector: a child
	 * that lives a few seconds starts about twice as fast) and waits for its listening line; fails if
	 * the child ends without printing it.
	 */
	static ServerProcess start(String... arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
				SyncServerMain.class.getName()));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		String line;
		while ((line = out.readLine()) != null) {
			Matcher matcher = LISTENING.matcher(line);
			if (matcher.matches()) {
				return new ServerProcess(process, URI.create(matcher.group(1)));
			}
		}
		process.destroyForcibly();
		throw new AssertionError("the server printed no listening line");
	}

}
