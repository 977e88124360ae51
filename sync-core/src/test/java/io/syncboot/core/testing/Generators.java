package io.syncboot.core.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.merge.ReplicaState;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;

/**
 * Seeded generators of values, operations, changesets and document states for the tests.
 */
public final class Generators {

	/** A small key space, so that random writes collide. */
	public static final List<String> COLLECTIONS = List.of("tasks", "notes", "_meta");

	public static final List<String> IDS = List.of("a", "b", "c", "d", "e");

	public static final List<String> FIELDS = List.of("title", "done", "tags", "meta");

	private static final List<String> STRINGS = List.of("", "x", "hello", "grüße ✓", "emoji 😀", "quote \" backslash \\",
			"line\nbreak\ttab", "ctl \u0001\u001f", "\u2028", "</script>");

	private static final List<String> KEYS = List.of("k", "", "n", "ü", "a.b", "0", "nested key");

	private Generators() {
	}

	/** A random value as a caller would write it (may contain Integer or Float, which normalize). */
	public static Object value(Random random, int maxDepth) {
		int kinds = (maxDepth <= 0) ? 8 : 10;
		switch (random.nextInt(kinds)) {
			case 0:
				return null;
			case 1:
				return random.nextBoolean();
			case 2:
				return (long) random.nextInt(4);
			case 3: {
				int pick = random.nextInt(4);
				return (pick == 0) ? Long.MIN_VALUE : (pick == 1) ? Long.MAX_VALUE : random.nextLong();
			}
			case 4:
				return random.nextInt(3) - 1; // an Integer: normalizes to Long
			case 5: {
				double[] special = { 0.5, -0.0, 0.0, 3.0, 1e300, -1e-300, Double.MIN_VALUE, Double.MAX_VALUE, 1.0 / 3 };
				return random.nextBoolean() ? special[random.nextInt(special.length)] : random.nextDouble() * 2000 - 1000;
			}
			case 6:
				return STRINGS.get(random.nextInt(STRINGS.size()));
			case 7:
				return 1.5f; // a Float: normalizes to Double
			case 8: {
				List<Object> list = new ArrayList<>();
				int size = random.nextInt(4);
				for (int i = 0; i < size; i++) {
					list.add(value(random, maxDepth - 1));
				}
				return list;
			}
			default: {
				Map<String, Object> map = new LinkedHashMap<>();
				int size = random.nextInt(4);
				for (int i = 0; i < size; i++) {
					map.put(KEYS.get(random.nextInt(KEYS.size())), value(random, maxDepth - 1));
				}
				return map;
			}
		}
	}

	/** Random fields among {@link #FIELDS}; at least {@code min} of them. */
	public static Map<String, Object> fields(Random random, int min) {
		Map<String, Object> fields = new LinkedHashMap<>();
		int count = min + random.nextInt(FIELDS.size() - min + 1);
		List<String> names = new ArrayList<>(FIELDS);
		java.util.Collections.shuffle(names, random);
		for (int i = 0; i < count; i++) {
			fields.put(names.get(i), value(random, 3));
		}
		return fields;
	}

	/** Random field names among {@link #FIELDS}; at least one. */
	public static Set<String> fieldNames(Random random) {
		Set<String> names = new LinkedHashSet<>();
		int count = 1 + random.nextInt(2);
		while (names.size() < count) {
			names.add(FIELDS.get(random.nextInt(FIELDS.size())));
		}
		return names;
	}

	/** A random operation of a random kind on the given document. */
	public static Operation operation(Random random, String collection, String id, long timestamp) {
		int roll = random.nextInt(100);
		if (roll < 30) {
			return new Operation.Put(collection, id, timestamp, fields(random, 0));
		}
		if (roll < 65) {
			return new Operation.Update(collection, id, timestamp, fields(random, 1));
		}
		if (roll < 80) {
			return new Operation.Unset(collection, id, timestamp, fieldNames(random));
		}
		return new Operation.Delete(collection, id, timestamp);
	}

	/** A random operation anywhere in the small key space. */
	public static Operation operation(Random random) {
		return operation(random, COLLECTIONS.get(random.nextInt(COLLECTIONS.size())), IDS.get(random.nextInt(IDS.size())),
				1 + (random.nextLong() >>> 1) % Long.MAX_VALUE);
	}

	/** Random operations with strictly increasing timestamps, as one writer's changeset has them. */
	public static List<Operation> operations(Random random, int min, int max) {
		int count = min + random.nextInt(max - min + 1);
		List<Operation> operations = new ArrayList<>();
		long timestamp = 1 + (random.nextLong() >>> 2) % (Long.MAX_VALUE / 2);
		for (int i = 0; i < count; i++) {
			timestamp += 1 + random.nextInt(1000);
			operations.add(operation(random, COLLECTIONS.get(random.nextInt(COLLECTIONS.size())),
					IDS.get(random.nextInt(IDS.size())), timestamp));
		}
		return operations;
	}

	public static List<Changeset> changesets(Random random, int max) {
		List<Changeset> changesets = new ArrayList<>();
		int count = random.nextInt(max + 1);
		long version = 0;
		for (int i = 0; i < count; i++) {
			version += 1 + random.nextInt(3);
			changesets.add(new Changeset(version, random.nextInt(50), operations(random, 1, 4)));
		}
		return changesets;
	}

	public static List<ServerChangeset> serverChangesets(Random random, int max, long cursor) {
		List<ServerChangeset> changesets = new ArrayList<>();
		long version = 0;
		int count = random.nextInt(max + 1);
		for (int i = 0; i < count && version < cursor; i++) {
			version += 1 + random.nextInt((int) Math.min(3, cursor - version));
			changesets.add(new ServerChangeset(version, 1 + random.nextInt(9), 1 + random.nextInt(100),
					operations(random, 1, 4)));
		}
		return changesets;
	}

	/** Document states produced by applying random operations from several writers. */
	public static List<DocumentState> documentStates(Random random, int operations) {
		ReplicaState replica = new ReplicaState();
		for (int i = 0; i < operations; i++) {
			replica.apply(operation(random), 1 + random.nextInt(5));
		}
		return new ArrayList<>(replica.documents().values());
	}

}
