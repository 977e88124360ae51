package io.syncboot.client.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * An exclusive lock on a local database, held from its store's open to its close, in a file next
 * to it ({@code <name>.db.lock}: SQLite's own locks on the database file must not be touched).
 * Refuses a second owner in another process (an operating-system lock, which the system drops when
 * a process dies) and in this one (a registry of the locks this process holds, consulted before
 * any channel on the lock file is opened: on Linux, closing any channel on a file drops every lock
 * the process holds on it, so a refused attempt must never open one). A second owner would keep
 * its own client versions for the same file.
 *
 * <p>{@link #awaitReleased} lets the same owner (one sync manager) that opens a database again
 * wait for its previous store's close, which may still be queued. Thread-safe; blocks only there.
 */
public final class FileOwnership implements AutoCloseable {

	/** How long an owner waits for its own previous store of a database to close. */
	static final Duration SAME_OWNER_WAIT = Duration.ofSeconds(30);

	// lock files held by this process, by key(): directory real path and file name; guarded by itself
	private static final Map<Path, FileOwnership> held = new HashMap<>();

	private final Path file;

	private final Object owner;

	private final FileChannel channel;

	private final FileLock lock;

	private FileOwnership(Path file, Object owner, FileChannel channel, FileLock lock) {
		this.file = file;
		this.owner = owner;
		this.channel = channel;
		this.lock = lock;
	}

	/** The lock file of a database file. */
	public static Path lockFile(Path database) {
		return Path.of(database + ".lock");
	}

	/**
	 * The registry's name of a database's lock file: its directory's real path (links resolved) and
	 * its file name, so that two spellings of one directory find the same holder.
	 */
	private static Path key(Path database) {
		Path file = lockFile(database).toAbsolutePath().normalize();
		Path directory = file.getParent();
		try {
			return directory.toRealPath().resolve(file.getFileName());
		}
		catch (IOException ex) {
			return file; // no directory yet: no lock file in it either
		}
	}

	/**
	 * Waits while {@code owner} holds the lock of a database (a store of its own whose close is
	 * queued), at most {@code max}; returns at once if another owner holds it or nobody does.
	 * @throws IllegalStateException if interrupted
	 */
	static void awaitReleased(Path database, Object owner, Duration max) {
		Path file = key(database);
		long deadline = System.nanoTime() + max.toNanos();
		synchronized (held) {
			FileOwnership current;
			while ((current = held.get(file)) != null && current.owner == owner) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return;
				}
				try {
					held.wait(Math.max(1, left / 1_000_000));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("interrupted while waiting for " + database + " to close", ex);
				}
			}
		}
	}

	/** Whether {@code owner} holds the lock of a database. */
	static boolean isHeldBy(Path database, Object owner) {
		Path file = key(database);
		synchronized (held) {
			FileOwnership current = held.get(file);
			return current != null && current.owner == owner;
		}
	}

	/**
	 * Takes the lock of a database for an owner, without waiting.
	 * @throws IllegalStateException if it is held, by another owner or (a store not closed yet) by this one
	 * @throws UncheckedIOException if the lock file cannot be created or locked
	 */
	static FileOwnership acquire(Path database, Object owner) {
		Path file = key(database);
		synchronized (held) {
			if (held.containsKey(file)) {
				throw inUse(database);
			}
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
				// this process holds it under a name the registry does not know (another class loader):
				// closing the channel would drop that lock, so it stays open
				throw inUse(database);
			}
			catch (IOException | RuntimeException ex) {
				closeQuietly(channel);
				throw new UncheckedIOException("cannot lock " + file, (ex instanceof IOException io) ? io
						: new IOException(ex));
			}
			if (lock == null) {
				// held by another process; this process holds no lock on the file, so closing is safe
				closeQuietly(channel);
				throw inUse(database);
			}
			FileOwnership ownership = new FileOwnership(file, owner, channel, lock);
			held.put(file, ownership);
			return ownership;
		}
	}

	private static IllegalStateException inUse(Path database) {
		return new IllegalStateException("the local database " + database + " is open in another SyncManager, in this "
				+ "process or another (on a case-insensitive file system, also under a user id or partition name "
				+ "differing only in case): close it there first, or give each its own base directory");
	}

	/** Releases the lock; idempotent. */
	@Override
	public void close() {
		synchronized (held) {
			if (held.get(this.file) != this) {
				return;
			}
			try {
				this.lock.release();
			}
			catch (IOException ex) {
				// closing the channel releases it too
			}
			closeQuietly(this.channel);
			held.remove(this.file);
			held.notifyAll();
		}
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
