package io.syncboot.core.merge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import io.syncboot.core.merge.MergeScenario.StampedOperation;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Convergence of the merge rules over seeded random histories. Every assertion message names the
 * scenario seed; run with {@code -Dsyncboot.merge.seed=<seed>} to replay one scenario.
 */
class ReplicaStateTests {

	private static final long BASE_SEED = 0x5EED_2026_1126L;

	private static final int SCENARIOS = 60;

	private static final int ORDERS_PER_SCENARIO = 25;

	private static final int GROUPINGS_PER_SCENARIO = 12;

	private static List<Long> seeds() {
		String replay = System.getProperty("syncboot.merge.seed");
		if (replay != null && !replay.isBlank()) {
			return List.of(Long.parseLong(replay.trim()));
		}
		Random random = new Random(BASE_SEED);
		List<Long> seeds = new ArrayList<>();
		for (int i = 0; i < SCENARIOS; i++) {
			seeds.add(random.nextLong());
		}
		return seeds;
	}

	private static Random orderRandom(long seed, int order) {
		return new Random(seed ^ (0x9E3779B97F4A7C15L * (order + 1)));
	}

	private static Supplier<String> describe(MergeScenario scenario, String what, int order) {
		return () -> what + " " + order + " of " + scenario + "replay with -Dsyncboot.merge.seed=" + scenario.seed;
	}

	@Test
	void convergesWhateverTheOrderOfChangesetsOrOperations() {
		int orders = 0;
		int sameTimestampConflicts = 0;
		int deleteUpdateRaces = 0;
		int revivals = 0;
		for (long seed : seeds()) {
			MergeScenario scenario = MergeScenario.generate(seed);
			sameTimestampConflicts += scenario.sameTimestampConflicts;
			deleteUpdateRaces += scenario.deleteUpdateRaces;
			revivals += scenario.revivals;
			Map<DocumentKey, DocumentState> expected = scenario.expectedStates();
			Map<DocumentKey, Map<String, Object>> expectedVisible = scenario.expectedVisible();
			ReplicaState first = null;
			for (int order = 0; order < ORDERS_PER_SCENARIO; order++) {
				Random random = orderRandom(seed, order);
				ReplicaState replica = new ReplicaState();
				if (order % 2 == 0) {
					// whole changesets, shuffled
					List<ServerChangeset> changesets = new ArrayList<>(scenario.changesets);
					Collections.shuffle(changesets, random);
					changesets.forEach(replica::apply);
				}
				else {
					// single operations, shuffled across changesets, each checked for its change report
					List<StampedOperation> operations = scenario.operations();
					Collections.shuffle(operations, random);
					for (StampedOperation op : operations) {
						applyAndCheckChangeReport(replica, op, describe(scenario, "order", order));
					}
				}
				assertThat(replica.documents()).as(describe(scenario, "full state after order", order))
					.isEqualTo(expected);
				assertThat(replica.visibleDocuments()).as(describe(scenario, "visible documents after order", order))
					.isEqualTo(expectedVisible);
				if (first == null) {
					first = replica;
				}
				else {
					assertThat(replica).as(describe(scenario, "replica equality after order", order)).isEqualTo(first);
					assertThat(replica.hashCode()).isEqualTo(first.hashCode());
				}
				orders++;
			}
		}
		assertThat(orders).isGreaterThanOrEqualTo(seeds().size() * ORDERS_PER_SCENARIO);
		if (seeds().size() > 1) {
			assertThat(orders).isGreaterThanOrEqualTo(1000);
			// the generator must exercise the interesting cases, or the property proves little
			assertThat(sameTimestampConflicts).as("writes of different writers with equal timestamps").isPositive();
			assertThat(deleteUpdateRaces).as("delete/update pairs on one document").isPositive();
			assertThat(revivals).as("puts after deletes").isPositive();
		}
	}

	private static void applyAndCheckChangeReport(ReplicaState replica, StampedOperation op, Supplier<String> description) {
		DocumentKey key = op.key();
		DocumentState before = replica.documents().containsKey(key) ? replica.documents().get(key).copy() : null;
		boolean changed = replica.apply(op.operation(), op.fileId());
		DocumentState after = replica.documents().get(key);
		boolean reallyChanged = (before == null) || !before.equals(after);
		assertThat(changed).as(() -> "apply(" + op + ") reported changed=" + changed + " on " + before + " -> " + after
				+ "; " + description.get()).isEqualTo(reallyChanged);
	}

	@Test
	void joiningSnapshotsInAnyOrderAndGroupingEqualsApplyingTheOperations() {
		for (long seed : seeds()) {
			MergeScenario scenario = MergeScenario.generate(seed);
			Map<DocumentKey, DocumentState> expected = scenario.expectedStates();
			for (int grouping = 0; grouping < GROUPINGS_PER_SCENARIO; grouping++) {
				Random random = orderRandom(~seed, grouping);
				// split the writes over a few replicas, each applying its own share
				int groups = 1 + random.nextInt(6);
				List<ReplicaState> replicas = new ArrayList<>();
				for (int g = 0; g < groups; g++) {
					replicas.add(new ReplicaState());
				}
				for (StampedOperation op : scenario.operations()) {
					replicas.get(random.nextInt(groups)).apply(op.operation(), op.fileId());
				}
				// collect their document states and join them pairwise in a random tree
				List<DocumentState> states = new ArrayList<>();
				for (ReplicaState replica : replicas) {
					replica.documents().values().forEach(state -> states.add(state.copy()));
				}
				Collections.shuffle(states, random);
				List<DocumentState> joined = new ArrayList<>();
				while (!states.isEmpty()) {
					DocumentState a = states.remove(random.nextInt(states.size()));
					DocumentState partner = null;
					for (DocumentState candidate : states) {
						if (candidate.key().equals(a.key()) && random.nextBoolean()) {
							partner = candidate;
							break;
						}
					}
					if (partner != null) {
						states.remove(partner);
						DocumentState merged = (random.nextBoolean()) ? a.copy() : partner.copy();
						merged.merge(merged.equals(a) ? partner : a);
						states.add(merged);
					}
					else {
						joined.add(a);
					}
				}
				Collections.shuffle(joined, random);
				ReplicaState replica = new ReplicaState();
				joined.forEach(replica::merge);
				assertThat(replica.documents()).as(describe(scenario, "snapshot join, grouping", grouping))
					.isEqualTo(expected);
				// snapshots joined into a replica that already applied part of the writes
				ReplicaState partial = new ReplicaState();
				List<ServerChangeset> changesets = new ArrayList<>(scenario.changesets);
				Collections.shuffle(changesets, random);
				changesets.subList(0, random.nextInt(changesets.size() + 1)).forEach(partial::apply);
				joined.forEach(partial::merge);
				assertThat(partial.documents()).as(describe(scenario, "snapshot join over partial replica, grouping", grouping))
					.isEqualTo(expected);
			}
		}
	}

	@Test
	void applyingOrJoiningAgainChangesNothing() {
		for (long seed : seeds()) {
			MergeScenario scenario = MergeScenario.generate(seed);
			Random random = orderRandom(seed, -1);
			ReplicaState replica = new ReplicaState();
			scenario.changesets.forEach(replica::apply);
			ReplicaState reference = new ReplicaState();
			scenario.changesets.forEach(reference::apply);

			// everything again
			for (StampedOperation op : scenario.operations()) {
				assertThat(replica.apply(op.operation(), op.fileId()))
					.as(describe(scenario, "re-applying " + op + " reported a change", 0)).isFalse();
			}
			assertThat(replica).as(describe(scenario, "after applying everything twice", 0)).isEqualTo(reference);

			// a random subset again, in a random order
			List<ServerChangeset> subset = new ArrayList<>(scenario.changesets);
			Collections.shuffle(subset, random);
			subset.subList(0, random.nextInt(subset.size() + 1)).forEach(replica::apply);
			assertThat(replica).as(describe(scenario, "after re-applying a subset", 0)).isEqualTo(reference);

			// its own states, and snapshots of partial histories, joined again
			for (DocumentState state : reference.documents().values()) {
				assertThat(replica.merge(state.copy())).as(describe(scenario, "re-joining " + state, 0)).isFalse();
			}
			ReplicaState part = new ReplicaState();
			for (StampedOperation op : scenario.operations()) {
				if (random.nextBoolean()) {
					part.apply(op.operation(), op.fileId());
				}
			}
			for (DocumentState state : part.documents().values()) {
				assertThat(replica.merge(state)).as(describe(scenario, "joining an older snapshot " + state, 0)).isFalse();
			}
			assertThat(replica).as(describe(scenario, "after joining snapshots again", 0)).isEqualTo(reference);
		}
	}

	@Test
	void visibleDocumentsListOnlyPresentDocumentsInKeyOrder() {
		ReplicaState replica = new ReplicaState();
		replica.apply(new Operation.Put("tasks", "b", 10, Map.of("title", "B")), 1);
		replica.apply(new Operation.Put("notes", "z", 11, Map.of("title", "Z")), 1);
		replica.apply(new Operation.Put("tasks", "a", 12, Map.of("title", "A")), 1);
		replica.apply(new Operation.Delete("tasks", "b", 13), 2);
		replica.apply(new Operation.Update("tasks", "c", 14, Map.of("title", "never created")), 2);

		assertThat(replica.visibleDocuments()).containsExactly(
				Map.entry(new DocumentKey("notes", "z"), Map.of("title", "Z")),
				Map.entry(new DocumentKey("tasks", "a"), Map.of("title", "A")));
		assertThat(replica.documents()).containsOnlyKeys(new DocumentKey("notes", "z"), new DocumentKey("tasks", "a"),
				new DocumentKey("tasks", "b"), new DocumentKey("tasks", "c"));
		assertThat(replica.documents().get(new DocumentKey("tasks", "b")).isPresent()).isFalse();
	}

	@Test
	void documentsViewIsUnmodifiable() {
		ReplicaState replica = new ReplicaState();
		replica.apply(new Operation.Put("tasks", "a", 1, Map.of()), 1);
		DocumentKey key = new DocumentKey("tasks", "b");
		assertThatThrowsUnsupported(() -> replica.documents().put(key, new DocumentState(key)));
		assertThatThrowsUnsupported(() -> replica.documents().clear());
	}

	@Test
	void applyingAServerChangesetUsesItsOriginFileId() {
		ReplicaState replica = new ReplicaState();
		replica.apply(new ServerChangeset(1, 7, 1, List.of(new Operation.Put("tasks", "a", 5, Map.of("title", "x")))));
		DocumentState state = replica.documents().get(new DocumentKey("tasks", "a"));
		assertThat(state.existence().fileId()).isEqualTo(7);
		assertThat(state.registers().get("title").stamp().fileId()).isEqualTo(7);
	}

	@Test
	void rejectsInvalidWriterFileIds() {
		ReplicaState replica = new ReplicaState();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> replica.apply(new Operation.Delete("tasks", "a", 5), -1))
			.withMessageContaining("fileId");
	}

	private static void assertThatThrowsUnsupported(Runnable action) {
		org.assertj.core.api.Assertions.assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(action::run);
	}

}
