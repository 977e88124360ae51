package io.syncboot.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user id each API key last logged in as, kept in {@code <base>/syncboot.api-key-users} (a
 * properties file: the SHA-256 of the key, never the key, to the user id), so that a login while
 * the server cannot be reached can still open that user's local databases. The file name has a
 * dot, which no escaped user directory name has. Thread-safe within a process (one lock for every
 * base directory); a failure to write is logged and loses only the offline login.
 */
final class ApiKeyUsers {

	static final String FILE_NAME = "syncboot.api-key-users";

	private static final Logger logger = LoggerFactory.getLogger(ApiKeyUsers.class);

	private static final Object LOCK = new Object();

	private ApiKeyUsers() {
	}

	/** The user id {@code apiKey} last logged in as under this base directory, if remembered. */
	static Optional<String> find(Path baseDirectory, String apiKey) {
		synchronized (LOCK) {
			return Optional.ofNullable(read(baseDirectory.resolve(FILE_NAME)).getProperty(hash(apiKey)));
		}
	}

	/** Remembers the user id of a key that logged in; a failure is logged. */
	static void remember(Path baseDirectory, String apiKey, String userId) {
		String key = hash(apiKey);
		update(baseDirectory, users -> {
			if (userId.equals(users.getProperty(key))) {
				return false;
			}
			users.setProperty(key, userId);
			return true;
		});
	}

	/** Forgets every key of a user (the user was removed); a failure is logged. */
	static void forget(Path baseDirectory, String userId) {
		update(baseDirectory, users -> users.values().removeIf(userId::equals));
	}

	/** Reads, changes and, if {@code change} says it changed anything, atomically rewrites the file. */
	private static void update(Path baseDirectory, Predicate<Properties> change) {
		Path file = baseDirectory.resolve(FILE_NAME);
		synchronized (LOCK) {
			try {
				Properties users = read(file);
				if (!change.test(users)) {
					return;
				}
				Path temporary = baseDirectory.resolve(FILE_NAME + ".tmp");
				try (OutputStream out = Files.newOutputStream(temporary)) {
					users.store(out, "SyncBoot: the user id each API key (SHA-256) logged in as, for logins while offline");
				}
				Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (IOException | UncheckedIOException ex) {
				logger.warn("Cannot update the users of API keys in {}: a login while the server cannot be reached"
						+ " may fail, or log in a removed user", file, ex);
			}
		}
	}

	private static Properties read(Path file) {
		Properties users = new Properties();
		try (InputStream in = Files.newInputStream(file)) {
			users.load(in);
		}
		catch (NoSuchFileException ex) {
			// nothing remembered yet
		}
		catch (IOException | IllegalArgumentException ex) {
			logger.warn("Cannot read {}; no API key user is remembered", file, ex);
			return new Properties();
		}
		return users;
	}

	private static String hash(String apiKey) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
