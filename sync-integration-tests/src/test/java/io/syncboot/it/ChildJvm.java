package io.syncboot.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The command line of a child JVM started by {@link JavaProcess}, tuned to start fast on a small
 * machine: C1 only, the serial collector, and a class-data sharing archive per main class once
 * {@link #archive} recorded one. Children log to standard error ({@code logback-child.xml}), so
 * that their standard output carries only what they print for the test. Class-data sharing needs a class path of jars, so every directory
 * on this JVM's class path (the modules' {@code target/classes} in a reactor build) is packed into a
 * jar under {@code target/child-jvm/} once per test JVM.
 *
 * <p>Thread-safe. Failures to pack the class path are thrown as {@link UncheckedIOException}; a
 * missing archive only makes children start slower.
 */
final class ChildJvm {

	private static final Path DIRECTORY = Path.of("target", "child-jvm").toAbsolutePath();

	private static final List<String> FLAGS = List.of("-Xmx256m", "-Xss512k", "-XX:TieredStopAtLevel=1",
			"-XX:+UseSerialGC", "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
			"-Dlogback.configurationFile=logback-child.xml");

	private static final Map<String, Path> archives = new ConcurrentHashMap<>();

	private static String classPath; // guarded by ChildJvm.class

	private ChildJvm() {
	}

	/** The command that runs {@code mainClass} with {@code args}, with its archive if one is recorded. */
	static List<String> command(String mainClass, List<String> args) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(FLAGS);
		Path archive = archives.get(mainClass);
		if (archive != null && Files.isRegularFile(archive)) {
			command.add("-XX:SharedArchiveFile=" + archive);
		}
		command.add("-cp");
		command.add(classPath());
		command.add(mainClass);
		command.addAll(args);
		return command;
	}

	/**
	 * The command of a training run that records the classes {@code mainClass} loads into its archive
	 * when the process exits normally or on SIGTERM; later {@link #command}s of that class use it.
	 */
	static List<String> archive(String mainClass, List<String> args) {
		Path archive = DIRECTORY.resolve(mainClass + ".jsa");
		List<String> command = command(mainClass, args);
		command.add(1 + FLAGS.size(), "-XX:ArchiveClassesAtExit=" + archive);
		return command;
	}

	/** Marks the archive of a training run usable, if the run wrote one. */
	static boolean archived(String mainClass) {
		Path archive = DIRECTORY.resolve(mainClass + ".jsa");
		if (Files.isRegularFile(archive)) {
			archives.put(mainClass, archive);
			return true;
		}
		return false;
	}

	/** Whether {@code mainClass} has a recorded archive. */
	static boolean hasArchive(String mainClass) {
		return archives.containsKey(mainClass);
	}

	private static synchronized String classPath() {
		if (classPath == null) {
			try {
				classPath = packClassPath();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot pack the class path for child JVMs", ex);
			}
		}
		return classPath;
	}

	private static String packClassPath() throws IOException {
		if (Files.isDirectory(DIRECTORY)) {
			try (Stream<Path> old = Files.walk(DIRECTORY)) {
				old.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
			}
		}
		Files.createDirectories(DIRECTORY);
		String surefire = System.getProperty("surefire.test.class.path");
		String original = (surefire != null && !surefire.isBlank()) ? surefire : System.getProperty("java.class.path");
		List<String> entries = new ArrayList<>();
		int index = 0;
		for (String entry : original.split(java.io.File.pathSeparator)) {
			Path path = Path.of(entry);
			if (Files.isDirectory(path)) {
				Path jar = DIRECTORY.resolve("cp-" + index++ + "-" + path.getParent().getParent().getFileName() + "-"
						+ path.getFileName() + ".jar");
				pack(path, jar);
				entries.add(jar.toString());
			}
			else if (Files.exists(path)) {
				entries.add(entry);
			}
		}
		return String.join(java.io.File.pathSeparator, entries);
	}

	private static void pack(Path directory, Path jar) throws IOException {
		try (OutputStream file = Files.newOutputStream(jar);
				JarOutputStream out = new JarOutputStream(file);
				Stream<Path> paths = Files.walk(directory)) {
			for (Path path : (Iterable<Path>) paths.sorted()::iterator) {
				if (path.equals(directory)) {
					continue;
				}
				String name = directory.relativize(path).toString().replace(java.io.File.separatorChar, '/');
				if (Files.isDirectory(path)) {
					out.putNextEntry(new JarEntry(name + "/"));
				}
				else {
					out.putNextEntry(new JarEntry(name));
					Files.copy(path, out);
				}
				out.closeEntry();
			}
		}
	}

}
