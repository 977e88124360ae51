package io.syncboot.client.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a local database, held from its store's open to its close, in a file next
 * to it ({@code <name>.db.lock}: SQLite's own locks on the database file must not be touched, as
 * closing any other channel on that file would drop them). Refuses a second owner in this process
 * (another {@code SyncManager} or application context on the same base directory) and in another
 * process, which would otherwise each keep their own client versions for the same file. The
 * operating system releases the lock of a process that dies. Thread-safe.
 */
final class FileOwnership implements AutoCloseable {

	private final FileChannel channel;

	private final FileLock lock;

	private FileOwnership(FileChannel channel, FileLock lock) {
		this.channel = channel;
		this.lock = lock;
	}

	/** The lock file of a database file. */
	static Path lockFile(Path database) {
		return Path.of(database + ".lock");
	}

	/**
	 * Takes the lock of a database, without waiting.
	 * @throws IllegalStateException if another owner holds it
	 * @throws UncheckedIOException if the lock file cannot be created
	 */
	static FileOwnership acquire(Path database) {
		Path file = lockFile(database);
		FileChannel channel;
		try {
			channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create the lock file " + file, ex);
		}
		FileLock lock;
		try {
			lock = channel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			lock = null;
		}
		catch (IOException ex) {
			closeQuietly(channel);
			throw new UncheckedIOException("cannot lock " + file, ex);
		}
		if (lock == null) {
			closeQuietly(channel);
			throw new IllegalStateException("the local database " + database + " is open in another SyncManager, in this "
					+ "process or another: close it there first, or give each its own base directory");
		}
		return new FileOwnership(channel, lock);
	}

	@Override
	public void close() {
		try {
			this.lock.release();
		}
		catch (IOException ex) {
			// closing the channel releases it too
		}
		closeQuietly(this.channel);
	}

	private static void closeQuietly(FileChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// nothing was written to it
		}
	}

}
