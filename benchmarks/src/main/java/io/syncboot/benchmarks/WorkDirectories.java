package io.syncboot.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes the temporary directories the driver creates (a bootstrap run leaves gigabytes of
 * databases behind otherwise). Called on the driver's main thread after the servers using them
 * stopped; a file that cannot be deleted is reported on standard error and left.
 */
final class WorkDirectories {

	private WorkDirectories() {
	}

	/** Deletes {@code directory} and everything under it, if it exists. */
	static void deleteTree(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		List<Path> paths;
		try (Stream<Path> walk = Files.walk(directory)) {
			paths = walk.sorted(Comparator.reverseOrder()).toList();
		}
		catch (IOException ex) {
			System.err.println("could not list " + directory + " to delete it: " + ex);
			return;
		}
		for (Path path : paths) {
			try {
				Files.deleteIfExists(path);
			}
			catch (IOException ex) {
				System.err.println("could not delete " + path + ": " + ex);
			}
		}
	}

}
