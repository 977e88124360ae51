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
		if (value == null || value instanceof Boolean || value instanceof String || value instanceof Long) {
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
				out.put(key, normalize(entry.getValue(), depth + 1, path + "." + key));
			}
			return Collections.unmodifiableMap(out);
		}
		if (value instanceof List<?> list) {
			List<Object> out = new ArrayList<>(list.size());
			for (int i = 0; i < list.size(); i++) {
				out.add(normalize(list.get(i), depth + 1, path + "[" + i + "]"));
			}
			return Collections.unmodifiableList(out);
		}
		throw new IllegalArgumentException("unsupported value type at '" + path + "': " + value.getClass().getName()
				+ " (use null, Boolean, String, an integral number, a finite floating-point number, List or Map)");
	}

}
