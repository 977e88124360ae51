package io.syncboot.server.store.jdbc;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Run in a child JVM by the tests: tries to lock a data directory's lock file as another server
 * process would, and prints {@code locked} (it got the lock, so nobody held it) or {@code refused}.
 */
public final class LockProbeMain {

	private LockProbeMain() {
	}

	public static void main(String[] args) throws Exception {
		Path file = Path.of(args[0]).resolve(DataDirectoryLock.FILE_NAME);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
			FileLock lock = channel.tryLock();
			System.out.println((lock != null) ? "locked" : "refused");
		}
	}

}
