package io.syncboot.server.store.jdbc;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The exclusive hold of one embedded server data directory: an operating-system lock on its
 * {@value #FILE_NAME} file, taken before the database is opened and released when the store
 * closes, or by the operating system when the process dies (a {@code kill -9} leaves nothing to
 * clean up). A second server on the same directory, in another process or in this JVM, is refused
 * at once: two servers on one history file would each keep their own view of it in memory.
 *
 * <p>Within the JVM the held directories are also kept in a set, checked before the lock file is
 * opened: on Linux and macOS the lock is a POSIX record lock, which the process loses as soon as it
 * closes any descriptor of the file, so a refused second attempt must never open (and close) it.
 * The lock file stays after the release (deleted, a server opening it at that moment could lock a
 * file no other server looks at). Thread-safe; {@link #close()} is idempotent.
 */
final class DataDirectoryLock implements AutoCloseable {

	/** The lock file's name in the data directory. */
	static final String FILE_NAME = "syncboot-server.lock";

	private static final Set<Path> HELD = new HashSet<>(); // guarded by itself: the lock files this JVM holds

	private final Path file;

	private final FileChannel channel; // holds the lock while open

	private DataDirectoryLock(Path file, FileChannel channel) {
		this.file = file;
		this.channel = channel;
	}

	/**
	 * Takes the lock of {@code dataDirectory}, which must exist.
	 * @throws IllegalStateException if another server holds it, or it cannot be taken
	 */
	static DataDirectoryLock acquire(Path dataDirectory) {
		Path file;
		try {
			file = dataDirectory.toRealPath().resolve(FILE_NAME);
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot resolve the data directory " + dataDirectory + ": " + ex.getMessage(), ex);
		}
		synchronized (HELD) {
			if (!HELD.add(file)) {
				throw inUse(dataDirectory, file, "in this process");
			}
		}
		try {
			FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
			FileLock lock;
			try {
				lock = channel.tryLock();
			}
			catch (IOException | RuntimeException ex) {
				closeQuietly(channel);
				throw new IllegalStateException("cannot lock " + file + ": " + ex.getMessage(), ex);
			}
			if (lock == null) {
				closeQuietly(channel);
				throw inUse(dataDirectory, file, "in another process");
			}
			return new DataDirectoryLock(file, channel);
		}
		catch (IOException ex) {
			forget(file);
			throw new IllegalStateException("cannot open the lock file " + file + ": " + ex.getMessage(), ex);
		}
		catch (RuntimeException ex) {
			forget(file);
			throw ex;
		}
	}

	private static IllegalStateException inUse(Path dataDirectory, Path file, String where) {
		return new IllegalStateException("the data directory " + dataDirectory.toAbsolutePath() + " is in use by another"
				+ " SyncBoot server (" + where + "; " + file + " is locked): a data directory serves one server at a"
				+ " time. Stop the other server, or give this one a directory of its own");
	}

	@Override
	public void close() {
		synchronized (HELD) {
			if (!this.channel.isOpen()) {
				return;
			}
			closeQuietly(this.channel); // releases the lock
			HELD.remove(this.file);
		}
	}

	private static void forget(Path file) {
		synchronized (HELD) {
			HELD.remove(file);
		}
	}

	private static void closeQuietly(FileChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// nothing held is left to release
		}
	}

}
