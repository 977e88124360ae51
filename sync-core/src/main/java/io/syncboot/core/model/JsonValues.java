package io.syncboot.core.model;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Normalizes field values to the JSON value domain shared by every replica: {@code null},
 * {@link Boolean}, {@link String}, {@link Long} (every integral type), {@link Double} (finite
 * {@code float} or {@code double}), {@link List} and {@link Map} with string keys, recursively, as
 * unmodifiable copies. Anything else is rejected with an {@link IllegalArgumentException}, so a
 * value reads back equal on every replica after a round trip through the wire and the disk.
 */
public final class JsonValues {

	private static final int MAX_DEPTH = 64;

	/** Longest path built for an error message: beyond it, deeper paths are cut ({@link #childPath}). */
	private static final int MAX_PATH_LENGTH = 200;

	private JsonValues() {
	}

	/** A normalized, unmodifiable copy of a field map; field names are checked with {@link Names#field}. */
	public static Map<String, Object> normalizeFields(Map<String, ?> fields) {
		if (fields == null) {
			throw new IllegalArgumentException("fields must not be null");
		}
		Map<String, Object> out = new LinkedHashMap<>();
		for (Map.Entry<?, ?> entry : ((Map<?, ?>) fields).entrySet()) {
			if (entry.getKey() != null && !(entry.getKey() instanceof String)) {
				throw new IllegalArgumentException("field map has a non-string key: " + entry.getKey());
			}
			String name = Names.field((String) entry.getKey());
			out.put(name, normalize(entry.getValue(), 1, name));
		}
		return Collections.unmodifiableMap(out);
	}

	/** A normalized, unmodifiable copy of one value. */
	public static Object normalize(Object value) {
		return normalize(value, 0, "value");
	}

	private static Object normalize(Object value, int depth, String path) {
		if (depth > MAX_DEPTH) {
			throw new IllegalArgumentException("value at '" + path + "' nests deeper than " + MAX_DEPTH + " levels");
		}
		if (value instanceof String text) {
			return wellFormed(text, path);
		}
		if (value == null || value instanceof Boolean || value instanceof Long) {
			return value;
		}
		if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
			return ((Number) value).longValue();
		}
		if (value instanceof BigInteger big) {
			if (big.bitLength() > 63) {
				throw new IllegalArgumentException("integer at '" + path + "' does not fit in a long: " + big);
			}
			return big.longValue();
		}
		if (value instanceof Double || value instanceof Float) {
			double d = ((Number) value).doubleValue();
			if (Double.isNaN(d) || Double.isInfinite(d)) {
				throw new IllegalArgumentException("number at '" + path + "' is not finite: " + d);
			}
			return d;
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> out = new LinkedHashMap<>();
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (!(entry.getKey() instanceof String key)) {
					throw new IllegalArgumentException("map at '" + path + "' has a non-string key: " + entry.getKey());
				}
				String child = childPath(path, key);
				out.put(wellFormed(key, child), normalize(entry.getValue(), depth + 1, child));
			}
			return Collections.unmodifiableMap(out);
		}
		if (value instanceof List<?> list) {
			List<Object> out = new ArrayList<>(list.size());
			for (int i = 0; i < list.size(); i++) {
				out.add(normalize(list.get(i), depth + 1, (path.length() < MAX_PATH_LENGTH) ? path + "[" + i + "]" : path));
			}
			return Collections.unmodifiableList(out);
		}
		throw new IllegalArgumentException("unsupported value type at '" + path + "': " + value.getClass().getName()
				+ " (use null, Boolean, String, an integral number, a finite floating-point number, List or Map)");
	}

	/**
	 * The path of {@code key} under {@code parent}, for error messages: {@code parent.key}, with a
	 * long key shortened and, once the path is {@value #MAX_PATH_LENGTH} characters long, the parent's
	 * first {@value #MAX_PATH_LENGTH} characters and {@code ...}, so that building the paths of a
	 * message's values costs time in proportion to the values, however long or deep their keys.
	 */
	public static String childPath(String parent, String key) {
		if (parent.length() >= MAX_PATH_LENGTH) {
			return parent.substring(0, MAX_PATH_LENGTH) + "...";
		}
		return parent + "." + ((key.length() > 40) ? key.substring(0, 40) + "..." : key);
	}

	/**
	 * The index of the first unpaired UTF-16 surrogate in {@code text}, or -1: such a string is not
	 * Unicode text, has no UTF-8 form, and would reach the disk or the wire altered ({@code ?}).
	 */
	public static int unpairedSurrogate(CharSequence text) {
		int end = text.length();
		for (int i = 0; i < end; i++) {
			char c = text.charAt(i);
			if (Character.isSurrogate(c)) {
				if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text.charAt(i + 1))) {
					i++;
				}
				else {
					return i;
				}
			}
		}
		return -1;
	}

	/** {@link #unpairedSurrogate(CharSequence)} of {@code length} characters from {@code offset}. */
	public static int unpairedSurrogate(char[] text, int offset, int length) {
		int end = offset + length;
		for (int i = offset; i < end; i++) {
			char c = text[i];
			if (Character.isSurrogate(c)) {
				if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text[i + 1])) {
					i++;
				}
				else {
					return i - offset;
				}
			}
		}
		return -1;
	}

	/**
	 * {@code text} with each unpaired surrogate replaced by U+FFFD, for text made of what a peer sent
	 * (an error message quoting it, perhaps cut in the middle of a pair) that must still go on the wire.
	 */
	public static String replacingUnpairedSurrogates(String text) {
		int at = unpairedSurrogate(text);
		if (at < 0) {
			return text;
		}
		StringBuilder out = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				out.append(c).append(text.charAt(++i));
			}
			else {
				out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
			}
		}
		return out.toString();
	}

	/** {@code text}, if it has no unpaired surrogate; otherwise an {@link IllegalArgumentException}. */
	private static String wellFormed(String text, String path) {
		int at = unpairedSurrogate(text);
		if (at >= 0) {
			throw new IllegalArgumentException("string at '" + path + "' has an unpaired UTF-16 surrogate at index " + at
					+ " (not valid Unicode: it has no UTF-8 form)");
		}
		return text;
	}

}
