package io.syncboot.core.model;

import java.util.regex.Pattern;

/**
 * The rules for partition, collection, document id and field names, checked on both sides of the
 * wire. Each check throws {@link IllegalArgumentException} naming the value and the rule.
 */
public final class Names {

	/** Longest partition name. */
	public static final int MAX_PARTITION_LENGTH = 256;

	/** Longest collection name. */
	public static final int MAX_COLLECTION_LENGTH = 128;

	/** Longest document id. */
	public static final int MAX_ID_LENGTH = 512;

	/** Longest field name. */
	public static final int MAX_FIELD_LENGTH = 256;

	private static final Pattern PARTITION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+=|-]*");

	private Names() {
	}

	/** Checks a partition name: 1 to 256 of {@code A-Z a-z 0-9 . _ : @ + = | -}, no {@code ..}. */
	public static String partition(String partition) {
		if (partition == null) {
			throw new IllegalArgumentException("partition must not be null");
		}
		if (partition.isEmpty() || partition.length() > MAX_PARTITION_LENGTH
				|| !PARTITION.matcher(partition).matches() || partition.contains("..")) {
			throw new IllegalArgumentException("invalid partition '" + printable(partition)
					+ "': use 1 to 256 characters of A-Z a-z 0-9 . _ : @ + = | -, starting with a letter or digit, without '..'");
		}
		return partition;
	}

	/** Checks a collection name: 1 to 128 of {@code A-Z a-z 0-9 _ . -}, starting with a letter or {@code _}. */
	public static String collection(String collection) {
		if (collection == null) {
			throw new IllegalArgumentException("collection must not be null");
		}
		if (collection.isEmpty() || collection.length() > MAX_COLLECTION_LENGTH || !isCollectionName(collection)) {
			throw new IllegalArgumentException("invalid collection name '" + printable(collection)
					+ "': use 1 to 128 characters of A-Z a-z 0-9 _ . -, starting with a letter or _");
		}
		return collection;
	}

	/**
	 * Whether a non-empty name matches {@code [A-Za-z_][A-Za-z0-9_.-]*}; a loop, not a regular
	 * expression, as every decoded document key is checked.
	 */
	private static boolean isCollectionName(String name) {
		char first = name.charAt(0);
		if (!isAsciiLetter(first) && first != '_') {
			return false;
		}
		for (int i = 1; i < name.length(); i++) {
			char c = name.charAt(i);
			if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '_' && c != '.' && c != '-') {
				return false;
			}
		}
		return true;
	}

	private static boolean isAsciiLetter(char c) {
		return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
	}

	/** Checks a document id: 1 to 512 characters, no control characters, no unpaired surrogates. */
	public static String id(String id) {
		return text("document id", id, MAX_ID_LENGTH);
	}

	/** Checks a field name: 1 to 256 characters, no control characters, no unpaired surrogates. */
	public static String field(String field) {
		return text("field name", field, MAX_FIELD_LENGTH);
	}

	private static String text(String what, String value, int max) {
		if (value == null) {
			throw new IllegalArgumentException(what + " must not be null");
		}
		if (value.isEmpty() || value.length() > max) {
			throw new IllegalArgumentException(what + " must have 1 to " + max + " characters, was " + value.length());
		}
		for (int i = 0; i < value.length(); i++) {
			if (Character.isISOControl(value.charAt(i))) {
				throw new IllegalArgumentException(what + " '" + printable(value) + "' contains a control character at index " + i);
			}
		}
		int surrogate = JsonValues.unpairedSurrogate(value);
		if (surrogate >= 0) {
			throw new IllegalArgumentException(what + " '" + printable(value) + "' has an unpaired UTF-16 surrogate at index "
					+ surrogate + " (not valid Unicode: it has no UTF-8 form)");
		}
		return value;
	}

	private static String printable(String value) {
		StringBuilder out = new StringBuilder();
		int limit = Math.min(value.length(), 64);
		for (int i = 0; i < limit; i++) {
			char c = value.charAt(i);
			out.append((Character.isISOControl(c) || Character.isSurrogate(c)) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
		}
		if (value.length() > limit) {
			out.append("...");
		}
		return out.toString();
	}

}
