package io.syncboot.client.internal.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import io.syncboot.client.ErrorActionToken;
import io.syncboot.client.internal.store.FileOwnership;
import io.syncboot.client.internal.store.SqliteStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The action an error requires on a local file, as an {@link ErrorActionToken}: back it up (a
 * client reset: moved to the backup path while closed, or copied there and reset in place by the
 * session while open) or delete it (permission denied). Recorded durably in
 * {@code <base>/syncboot.pending-actions} until it ran, so that a manager started later on the same
 * base directory runs it before opening any file; a reset whose backup path exists already was
 * backed up, and never overwrites that backup. Immutable; the file is guarded by a JVM-wide lock.
 *
 * @param owner the manager that issued it
 * @param kind what to do
 * @param database the local file
 * @param backup where a reset moves it ({@code null} for a delete)
 */
public record PendingAction(Object owner, Kind kind, Path database, @Nullable Path backup) implements ErrorActionToken {

	private static final Logger logger = LoggerFactory.getLogger(PendingAction.class);

	/**
	 * The list's file name in the base directory: with a dot, which no escaped user id has (a user's
	 * directory never takes its name).
	 */
	static final String FILE_NAME = "syncboot.pending-actions";

	/**
	 * Where earlier builds kept the list; the directory of a user whose id is
	 * {@code syncboot-pending-actions} has that name too. A regular file of that name is the list: it
	 * is renamed at the first read, or merged into the list if both exist.
	 */
	private static final String FORMER_FILE_NAME = "syncboot-pending-actions";

	private static final Object FILE_LOCK = new Object();

	/** What an action does. */
	public enum Kind {

		/** Move the file to the backup path. */
		RESET,
		/** Delete the file. */
		DELETE

	}

	/** Records this action in the base directory's list (durably, before the error is reported). */
	void record(Path baseDirectory) {
		synchronized (FILE_LOCK) {
			List<String> lines = read(baseDirectory);
			String line = line();
			if (!lines.contains(line)) {
				lines.add(line);
				write(baseDirectory, lines);
			}
		}
	}

	/**
	 * Runs the action (the file must be closed) and removes it from the list.
	 * @throws UncheckedIOException if the file cannot be moved or deleted
	 */
	public void run(Path baseDirectory) {
		// this manager's own store of the file may still be closing on the store thread, whose work
		// may need FILE_LOCK (forgetting an action): wait before taking it
		SqliteStore.awaitClosed(this.database, this.owner);
		synchronized (FILE_LOCK) {
			execute();
			List<String> lines = read(baseDirectory);
			if (lines.remove(line())) {
				write(baseDirectory, lines);
			}
		}
	}

	/** Removes this action from the list without running it (it was done otherwise). */
	void forget(Path baseDirectory) {
		synchronized (FILE_LOCK) {
			List<String> lines = read(baseDirectory);
			if (lines.remove(line())) {
				write(baseDirectory, lines);
			}
		}
	}

	/**
	 * Removes every recorded action on a file under {@code directory} (a removed user's directory,
	 * deleted with its files), so that a later file of the same name is left alone.
	 * @throws UncheckedIOException if the list cannot be read or written
	 */
	public static void forgetUnder(Path baseDirectory, Path directory) {
		Path root = directory.toAbsolutePath().normalize();
		synchronized (FILE_LOCK) {
			List<String> lines = read(baseDirectory);
			boolean removed = lines.removeIf(line -> {
				String[] parts = line.split("\t");
				return parts.length > 1 && Path.of(parts[1]).toAbsolutePath().normalize().startsWith(root);
			});
			if (removed) {
				write(baseDirectory, lines);
			}
		}
	}

	/** Runs every action recorded in a base directory (a manager starts), then forgets them. */
	public static void runAll(Path baseDirectory) {
		synchronized (FILE_LOCK) {
			List<String> lines = read(baseDirectory);
			if (lines.isEmpty()) {
				return;
			}
			List<String> failed = new ArrayList<>();
			for (String line : lines) {
				String[] parts = line.split("\t");
				try {
					Kind kind = Kind.valueOf(parts[0]);
					PendingAction action = new PendingAction(FILE_LOCK, kind, Path.of(parts[1]),
							(parts.length > 2) ? Path.of(parts[2]) : null);
					action.execute();
					logger.info("Ran the pending {} of {}", kind, parts[1]);
				}
				catch (RuntimeException ex) {
					logger.warn("Cannot run the pending action '{}'; it stays recorded", line, ex);
					failed.add(line);
				}
			}
			write(baseDirectory, failed);
		}
	}

	/**
	 * Runs the action holding the file's lock: a store open elsewhere, in this process or another,
	 * makes it fail (it stays recorded) rather than move or delete a file in use. The lock file
	 * stays, also when the file is deleted: deleting it could let two owners lock two different files.
	 */
	private void execute() {
		if (!Files.isDirectory(this.database.toAbsolutePath().getParent())) {
			return; // nothing there to back up or delete
		}
		try (FileOwnership lock = SqliteStore.lockClosed(this.database, this.owner)) {
			executeLocked();
		}
	}

	private void executeLocked() {
		try {
			if (this.kind == Kind.DELETE) {
				for (Path file : files(this.database)) {
					Files.deleteIfExists(file);
				}
				return;
			}
			if (!Files.exists(this.database) || this.backup == null) {
				return;
			}
			if (Files.exists(this.backup)) {
				// backed up already (by a reset in place that could not forget this action): never overwrite it
				logger.info("{} was backed up to {} already; the file stays", this.database, this.backup);
				return;
			}
			Files.createDirectories(this.backup.getParent());
			// a clean SQLite file has no -wal/-shm once closed; any left over (a process killed with the
			// file open: the WAL holds committed transactions) go along with it, first: a crash between
			// the moves then leaves the file in place, and this action, still recorded, moves it on the
			// next start, whereas a WAL left behind would be replayed into the new file at the same path
			for (String suffix : new String[] { "-wal", "-shm" }) {
				Path side = Path.of(this.database + suffix);
				if (Files.exists(side)) {
					Files.move(side, Path.of(this.backup + suffix), StandardCopyOption.REPLACE_EXISTING);
				}
			}
			Files.move(this.database, this.backup, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot " + ((this.kind == Kind.DELETE) ? "delete " : "back up ")
					+ this.database, ex);
		}
	}

	private static List<Path> files(Path database) {
		return List.of(database, Path.of(database + "-wal"), Path.of(database + "-shm"), Path.of(database + "-journal"));
	}

	private String line() {
		return this.kind + "\t" + this.database.toAbsolutePath() + ((this.backup != null) ? "\t" + this.backup.toAbsolutePath() : "");
	}

	private static List<String> read(Path baseDirectory) {
		Path file = baseDirectory.resolve(FILE_NAME);
		try {
			Path former = baseDirectory.resolve(FORMER_FILE_NAME);
			if (Files.isRegularFile(former, LinkOption.NOFOLLOW_LINKS)) {
				if (!Files.exists(file)) {
					Files.move(former, file, StandardCopyOption.ATOMIC_MOVE);
				}
				else {
					// both (an older build ran again meanwhile): the former's actions join the list
					List<String> merged = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
					for (String line : Files.readAllLines(former, StandardCharsets.UTF_8)) {
						if (!line.isBlank() && !merged.contains(line)) {
							merged.add(line);
						}
					}
					merged.removeIf(String::isBlank);
					write(baseDirectory, merged);
					Files.delete(former);
				}
			}
			if (!Files.exists(file)) {
				return new ArrayList<>();
			}
			List<String> lines = new ArrayList<>();
			for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
				if (!line.isBlank()) {
					lines.add(line);
				}
			}
			return lines;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + file, ex);
		}
	}

	private static void write(Path baseDirectory, List<String> lines) {
		Path file = baseDirectory.resolve(FILE_NAME);
		try {
			if (lines.isEmpty()) {
				Files.deleteIfExists(file);
				return;
			}
			Path temporary = baseDirectory.resolve(FILE_NAME + ".tmp");
			try (var channel = java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.CREATE,
					java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
				channel.write(java.nio.ByteBuffer.wrap((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)));
				channel.force(true);
			}
			try {
				Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write " + file, ex);
		}
	}

	@Override
	public String toString() {
		return "ErrorActionToken{" + this.kind + " " + this.database + "}";
	}

}
