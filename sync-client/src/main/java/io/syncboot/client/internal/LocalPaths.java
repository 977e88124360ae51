package io.syncboot.client.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where the local file of a (user, partition) lives: {@code <base>/<user>/<partition>.db}, each
 * name escaped to a portable file name: {@code A-Z a-z 0-9 _ -} kept, every other byte of its
 * UTF-8 form written {@code %XX} (so {@code .}, {@code /}, {@code :} and {@code |} never reach the
 * file system), long names shortened with a hash.
 */
final class LocalPaths {

	private static final int MAX_NAME_LENGTH = 120;

	private LocalPaths() {
	}

	static Path databaseFile(Path baseDirectory, String userId, String partition) {
		return baseDirectory.resolve(escape(userId)).resolve(escape(partition) + ".db");
	}

	/** The escaped form of a name; distinct names give distinct results. */
	static String escape(String name) {
		StringBuilder out = new StringBuilder();
		for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
			char c = (char) (b & 0xff);
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
				out.append(c);
			}
			else {
				out.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
			}
		}
		if (out.length() > MAX_NAME_LENGTH) {
			return out.substring(0, 80) + "~" + sha256(name).substring(0, 32);
		}
		return out.toString();
	}

	private static String sha256(String name) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
