package io.syncboot.server.store.jdbc;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive hold of one embedded server data directory: an operating-system lock on its
 * {@value #FILE_NAME} file, taken before the database is opened and released when the store
 * closes, or by the operating system when the process dies (a {@code kill -9} leaves nothing to
 * clean up). A second server on the same directory, in another process or in this JVM, is refused
 * at once: two servers on one history file would each keep their own view of it in memory. The
 * lock file stays after the release (deleted, a server opening it at that moment could lock a file
 * no other server looks at). Not thread-safe; {@link #close()} is idempotent.
 */
final class DataDirectoryLock implements AutoCloseable {

	/** The lock file's name in the data directory. */
	static final String FILE_NAME = "syncboot-server.lock";

	private final FileChannel channel;

	private final FileLock lock;

	private DataDirectoryLock(FileChannel channel, FileLock lock) {
		this.channel = channel;
		this.lock = lock;
	}

	/**
	 * Takes the lock of {@code dataDirectory}, which must exist.
	 * @throws IllegalStateException if another server holds it, or it cannot be taken
	 */
	static DataDirectoryLock acquire(Path dataDirectory) {
		Path file = dataDirectory.resolve(FILE_NAME).toAbsolutePath();
		FileChannel channel;
		try {
			channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot open the lock file " + file + ": " + ex.getMessage(), ex);
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
			throw new IllegalStateException("cannot lock " + file + ": " + ex.getMessage(), ex);
		}
		if (lock == null) {
			closeQuietly(channel);
			throw new IllegalStateException("the data directory " + dataDirectory.toAbsolutePath() + " is in use by another"
					+ " SyncBoot server (in another process or in this one; " + file + " is locked): a data directory"
					+ " serves one server at a time. Stop the other server, or give this one a directory of its own");
		}
		return new DataDirectoryLock(channel, lock);
	}

	@Override
	public void close() {
		if (this.channel.isOpen()) {
			try {
				this.lock.release();
			}
			catch (IOException ex) {
				// closing the channel below releases it too
			}
			closeQuietly(this.channel);
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
