package io.syncboot.core.merge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.HybridLogicalClock;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.model.Stamp;
import io.syncboot.core.testing.Generators;

/**
 * A seeded history of 3 to 5 writers, each with its own hybrid logical clock on a controlled wall
 * clock (sometimes skewed, sometimes going backwards, sometimes equal to the others' so timestamps
 * tie), writing to a small key space. Writers sometimes observe what others wrote (a download) and
 * sometimes write without (concurrent writes).
 */
final class MergeScenario {

	static final long EPOCH_MILLIS = 1_767_225_600_000L;

	final long seed;

	final List<ServerChangeset> changesets = new ArrayList<>();

	/** Statistics over the generated history, to check the generator exercises the rules. */
	int sameTimestampConflicts;

	int deleteUpdateRaces;

	int revivals;

	private MergeScenario(long seed) {
		this.seed = seed;
	}

	private static final class Writer {

		final long fileId;

		final long skew;

		long wall;

		long clientVersion;

		final HybridLogicalClock clock;

		Writer(long fileId, long skew) {
			this.fileId = fileId;
			this.skew = skew;
			this.clock = new HybridLogicalClock(() -> this.wall, 0);
		}

	}

	static MergeScenario generate(long seed) {
		Random random = new Random(seed);
		MergeScenario scenario = new MergeScenario(seed);
		int writerCount = 3 + random.nextInt(3);
		List<Long> fileIds = new ArrayList<>();
		for (long id = 1; id <= 12; id++) {
			fileIds.add(id);
		}
		Collections.shuffle(fileIds, random);
		boolean synchronizedClocks = random.nextInt(3) == 0;
		List<Writer> writers = new ArrayList<>();
		for (int i = 0; i < writerCount; i++) {
			long skew = (synchronizedClocks || random.nextInt(3) == 0) ? 0 : random.nextInt(61) - 30;
			writers.add(new Writer(fileIds.get(i), skew));
		}
		List<String> collections = Generators.COLLECTIONS.subList(0, 2 + random.nextInt(2));
		List<String> ids = Generators.IDS;
		long now = EPOCH_MILLIS;
		int changesetCount = 8 + random.nextInt(10);
		long serverVersion = 0;
		for (int c = 0; c < changesetCount; c++) {
			if (random.nextInt(5) == 0) {
				// a burst: a few writers write the same document in the same fresh millisecond, unaware
				// of each other; writers whose clocks agree issue equal timestamps
				now += 1 + random.nextInt(2);
				String collection = collections.get(random.nextInt(collections.size()));
				String id = ids.get(random.nextInt(2));
				List<Writer> burst = new ArrayList<>(writers);
				Collections.shuffle(burst, random);
				for (Writer writer : burst.subList(0, 2 + random.nextInt(burst.size() - 1))) {
					writer.wall = now + writer.skew;
					writer.clientVersion++;
					scenario.changesets.add(new ServerChangeset(++serverVersion, writer.fileId, writer.clientVersion,
							List.of(Generators.operation(random, collection, id, writer.clock.next()))));
				}
				continue;
			}
			now += random.nextInt(3); // often the same millisecond as the previous write
			Writer writer = writers.get(random.nextInt(writers.size()));
			writer.wall = now + writer.skew;
			if (random.nextInt(10) == 0) {
				writer.wall -= 1 + random.nextInt(200); // this writer's wall clock jumps back
			}
			if (random.nextInt(4) == 0) {
				// the writer downloads what the server had so far: its next writes are causally later
				for (ServerChangeset seen : scenario.changesets) {
					for (Operation op : seen.operations()) {
						writer.clock.observe(op.timestamp());
					}
				}
			}
			List<Operation> operations = new ArrayList<>();
			int opCount = 1 + random.nextInt(3);
			for (int o = 0; o < opCount; o++) {
				String collection = collections.get(random.nextInt(collections.size()));
				// a hot document most of the time, so writes race on it
				String id = ids.get(random.nextInt((random.nextInt(3) == 0) ? ids.size() : 2));
				operations.add(Generators.operation(random, collection, id, writer.clock.next()));
			}
			writer.clientVersion++;
			scenario.changesets.add(new ServerChangeset(++serverVersion, writer.fileId, writer.clientVersion, operations));
		}
		scenario.countRaces();
		return scenario;
	}

	/** Every operation with its writer. */
	List<StampedOperation> operations() {
		List<StampedOperation> operations = new ArrayList<>();
		for (ServerChangeset changeset : this.changesets) {
			for (Operation operation : changeset.operations()) {
				operations.add(new StampedOperation(operation, changeset.originFileId()));
			}
		}
		return operations;
	}

	record StampedOperation(Operation operation, long fileId) {

		Stamp stamp() {
			return new Stamp(this.operation.timestamp(), this.fileId);
		}

		DocumentKey key() {
			return new DocumentKey(this.operation.collection(), this.operation.id());
		}

	}

	private void countRaces() {
		List<StampedOperation> operations = operations();
		for (int i = 0; i < operations.size(); i++) {
			for (int j = i + 1; j < operations.size(); j++) {
				StampedOperation a = operations.get(i);
				StampedOperation b = operations.get(j);
				if (!a.key().equals(b.key()) || a.fileId() == b.fileId()) {
					continue;
				}
				if (a.operation().timestamp() == b.operation().timestamp()) {
					this.sameTimestampConflicts++;
				}
				if ((a.operation() instanceof Operation.Delete && b.operation() instanceof Operation.Update)
						|| (b.operation() instanceof Operation.Delete && a.operation() instanceof Operation.Update)) {
					this.deleteUpdateRaces++;
				}
			}
		}
		Map<DocumentKey, List<StampedOperation>> byKey = byKey(operations);
		for (List<StampedOperation> history : byKey.values()) {
			boolean deleted = false;
			for (StampedOperation op : history) {
				if (op.operation() instanceof Operation.Delete) {
					deleted = true;
				}
				else if (op.operation() instanceof Operation.Put && deleted) {
					this.revivals++;
					deleted = false;
				}
			}
		}
	}

	private static Map<DocumentKey, List<StampedOperation>> byKey(List<StampedOperation> operations) {
		Map<DocumentKey, List<StampedOperation>> byKey = new TreeMap<>();
		for (StampedOperation op : operations) {
			byKey.computeIfAbsent(op.key(), key -> new ArrayList<>()).add(op);
		}
		byKey.values().forEach(list -> list.sort(Comparator.comparing(StampedOperation::stamp)));
		return byKey;
	}

	/**
	 * The merge state the contract defines, computed from the whole set of writes at once: existence
	 * is the greatest put/delete, the replace stamp the greatest put, and each field the greatest
	 * write at or above the replace stamp.
	 */
	Map<DocumentKey, DocumentState> expectedStates() {
		Map<DocumentKey, DocumentState> expected = new TreeMap<>();
		byKey(operations()).forEach((key, history) -> {
			Stamp existence = Stamp.ZERO;
			boolean present = false;
			Stamp replaced = Stamp.ZERO;
			for (StampedOperation op : history) {
				if (op.operation() instanceof Operation.Put || op.operation() instanceof Operation.Delete) {
					if (op.stamp().isAfter(existence)) {
						existence = op.stamp();
						present = op.operation() instanceof Operation.Put;
					}
				}
				if (op.operation() instanceof Operation.Put && op.stamp().isAfter(replaced)) {
					replaced = op.stamp();
				}
			}
			Map<String, FieldRegister> fields = new HashMap<>();
			for (StampedOperation op : history) {
				if (op.stamp().compareTo(replaced) < 0) {
					continue;
				}
				Map<String, FieldRegister> writes = new LinkedHashMap<>();
				if (op.operation() instanceof Operation.Put put) {
					put.fields().forEach((name, value) -> writes.put(name, FieldRegister.set(op.stamp(), value)));
				}
				else if (op.operation() instanceof Operation.Update update) {
					update.fields().forEach((name, value) -> writes.put(name, FieldRegister.set(op.stamp(), value)));
				}
				else if (op.operation() instanceof Operation.Unset unset) {
					unset.fields().forEach(name -> writes.put(name, FieldRegister.removed(op.stamp())));
				}
				writes.forEach((name, register) -> fields.merge(name, register,
						(a, b) -> b.stamp().isAfter(a.stamp()) ? b : a));
			}
			expected.put(key, DocumentState.of(key, existence, present, replaced, fields));
		});
		return expected;
	}

	/**
	 * What a reader sees, by replaying every write one after the other in stamp order on a plain map
	 * (put replaces the fields and makes the document present, delete makes it absent, update and
	 * unset change fields).
	 */
	Map<DocumentKey, Map<String, Object>> expectedVisible() {
		Map<DocumentKey, Map<String, Object>> visible = new TreeMap<>();
		byKey(operations()).forEach((key, history) -> {
			boolean present = false;
			Map<String, Object> fields = new HashMap<>();
			for (StampedOperation op : history) {
				if (op.operation() instanceof Operation.Put put) {
					present = true;
					fields.clear();
					fields.putAll(put.fields());
				}
				else if (op.operation() instanceof Operation.Update update) {
					fields.putAll(update.fields());
				}
				else if (op.operation() instanceof Operation.Unset unset) {
					unset.fields().forEach(fields::remove);
				}
				else {
					present = false;
				}
			}
			if (present) {
				visible.put(key, fields);
			}
		});
		return visible;
	}

	@Override
	public String toString() {
		StringBuilder out = new StringBuilder("scenario seed=" + this.seed + "\n");
		this.changesets.forEach(changeset -> out.append("  ").append(changeset).append('\n'));
		return out.toString();
	}

}
