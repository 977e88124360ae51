package io.syncboot.client.internal.store;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Run in a process of its own: exits 0 if it could lock the lock file named by its argument, 3 if
 * another process holds it.
 */
public final class LockProbe {

	private LockProbe() {
	}

	public static void main(String[] args) throws Exception {
		try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE)) {
			FileLock lock = channel.tryLock();
			System.exit((lock != null) ? 0 : 3);
		}
	}

}
