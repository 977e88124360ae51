package io.syncboot.core.merge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.Stamp;
import io.syncboot.core.testing.Generators;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DocumentStateTests {

	private static final DocumentKey KEY = new DocumentKey("tasks", "t1");

	private static final long ALICE = 3;

	private static final long BOB = 5;

	private static Operation put(long ts, Map<String, Object> fields) {
		return new Operation.Put("tasks", "t1", ts, fields);
	}

	private static Operation update(long ts, Map<String, Object> fields) {
		return new Operation.Update("tasks", "t1", ts, fields);
	}

	private static Operation unset(long ts, String... fields) {
		return new Operation.Unset("tasks", "t1", ts, Set.of(fields));
	}

	private static Operation delete(long ts) {
		return new Operation.Delete("tasks", "t1", ts);
	}

	private record Write(Operation operation, long fileId) {
	}

	private static Write w(Operation operation, long fileId) {
		return new Write(operation, fileId);
	}

	/** Applies the writes in every order (up to 6 writes) and checks all orders agree; returns the state. */
	private static DocumentState applyInEveryOrder(Write... writes) {
		List<List<Write>> orders = new ArrayList<>();
		permutations(new ArrayList<>(List.of(writes)), 0, orders);
		DocumentState first = null;
		for (List<Write> order : orders) {
			DocumentState state = new DocumentState(KEY);
			order.forEach(write -> state.apply(write.operation(), write.fileId()));
			if (first == null) {
				first = state;
			}
			assertThat(state).as("state after applying in order %s", order).isEqualTo(first);
		}
		return first;
	}

	private static void permutations(List<Write> writes, int from, List<List<Write>> out) {
		if (from == writes.size()) {
			out.add(new ArrayList<>(writes));
			return;
		}
		for (int i = from; i < writes.size(); i++) {
			Collections.swap(writes, from, i);
			permutations(writes, from + 1, out);
			Collections.swap(writes, from, i);
		}
	}

	@Test
	void newStateIsAbsentAndEmpty() {
		DocumentState state = new DocumentState(KEY);
		assertThat(state.isPresent()).isFalse();
		assertThat(state.existence()).isEqualTo(Stamp.ZERO);
		assertThat(state.replaced()).isEqualTo(Stamp.ZERO);
		assertThat(state.registers()).isEmpty();
		assertThat(state.visibleFields()).isEmpty();
		assertThat(state.latestStamp()).isEqualTo(Stamp.ZERO);
		assertThat(state.key()).isEqualTo(KEY);
	}

	@Test
	void putCreatesTheDocument() {
		DocumentState state = applyInEveryOrder(w(put(10, Map.of("title", "a", "n", 1)), ALICE));
		assertThat(state.isPresent()).isTrue();
		assertThat(state.existence()).isEqualTo(new Stamp(10, ALICE));
		assertThat(state.replaced()).isEqualTo(new Stamp(10, ALICE));
		assertThat(state.visibleFields()).isEqualTo(Map.of("title", "a", "n", 1L));
	}

	@Test
	void deleteBeatsAConcurrentLowerStampedUpdateAppliedAfterOrBeforeIt() {
		Write create = w(put(10, Map.of("title", "a")), ALICE);
		Write concurrentUpdate = w(update(20, Map.of("title", "b", "done", true)), ALICE);
		Write delete = w(delete(21), BOB);

		DocumentState deleteFirst = new DocumentState(KEY);
		deleteFirst.apply(create.operation(), create.fileId());
		deleteFirst.apply(delete.operation(), delete.fileId());
		deleteFirst.apply(concurrentUpdate.operation(), concurrentUpdate.fileId());

		DocumentState updateFirst = new DocumentState(KEY);
		updateFirst.apply(create.operation(), create.fileId());
		updateFirst.apply(concurrentUpdate.operation(), concurrentUpdate.fileId());
		updateFirst.apply(delete.operation(), delete.fileId());

		assertThat(deleteFirst).isEqualTo(updateFirst);
		assertThat(deleteFirst.isPresent()).isFalse();
		assertThat(deleteFirst.visibleFields()).isEmpty();
		assertThat(applyInEveryOrder(create, concurrentUpdate, delete)).isEqualTo(deleteFirst);
	}

	@Test
	void equalTimestampsAreDecidedByFileId() {
		// same millisecond and counter on two writers: the greater file id wins, whatever the order
		DocumentState state = applyInEveryOrder(w(put(10, Map.of("title", "a")), ALICE),
				w(update(20, Map.of("title", "alice")), ALICE), w(update(20, Map.of("title", "bob")), BOB));
		assertThat(state.visibleFields()).containsEntry("title", "bob");

		DocumentState deleted = applyInEveryOrder(w(put(30, Map.of("title", "alice")), ALICE), w(delete(30), BOB));
		assertThat(deleted.isPresent()).isFalse();
		DocumentState kept = applyInEveryOrder(w(put(30, Map.of("title", "bob")), BOB), w(delete(30), ALICE));
		assertThat(kept.isPresent()).isTrue();
		assertThat(kept.visibleFields()).containsEntry("title", "bob");
	}

	@Test
	void anUpdateStampedAfterTheDeleteDoesNotReviveTheDocument() {
		DocumentState state = applyInEveryOrder(w(put(10, Map.of("title", "a")), ALICE), w(delete(20), BOB),
				w(update(30, Map.of("title", "late")), ALICE), w(unset(31, "title"), ALICE));
		assertThat(state.isPresent()).isFalse();
		assertThat(state.visibleFields()).isEmpty();
		assertThat(state.existence()).isEqualTo(new Stamp(20, BOB));
	}

	@Test
	void onlyALaterPutRevivesAndTheRevivedDocumentShowsOnlyThePutAndLaterWrites() {
		DocumentState state = applyInEveryOrder(w(put(10, Map.of("title", "a", "old", 1)), ALICE),
				w(update(15, Map.of("before", "delete")), ALICE), w(delete(20), BOB),
				w(update(25, Map.of("between", "delete and put")), ALICE), w(put(30, Map.of("title", "again")), BOB),
				w(update(40, Map.of("after", true)), ALICE));
		assertThat(state.isPresent()).isTrue();
		assertThat(state.visibleFields()).isEqualTo(Map.of("title", "again", "after", true));
		assertThat(state.registers()).containsOnlyKeys("title", "after");
		assertThat(state.replaced()).isEqualTo(new Stamp(30, BOB));
	}

	@Test
	void aPutOlderThanTheDeleteDoesNotRevive() {
		DocumentState state = applyInEveryOrder(w(delete(20), BOB), w(put(19, Map.of("title", "x")), ALICE));
		assertThat(state.isPresent()).isFalse();
		assertThat(state.existence()).isEqualTo(new Stamp(20, BOB));
	}

	@Test
	void putReplacesAllFields() {
		DocumentState state = applyInEveryOrder(w(put(10, Map.of("title", "a", "extra", 1)), ALICE),
				w(update(15, Map.of("fromUpdate", "gone soon")), BOB), w(put(20, Map.of("title", "b")), ALICE),
				w(unset(12, "title"), BOB));
		assertThat(state.visibleFields()).isEqualTo(Map.of("title", "b"));
		assertThat(state.registers()).containsOnlyKeys("title");
	}

	@Test
	void writesNewerThanThePutSurviveIt() {
		DocumentState state = applyInEveryOrder(w(update(25, Map.of("done", true)), BOB),
				w(put(20, Map.of("title", "b", "done", false)), ALICE), w(unset(26, "title"), BOB));
		assertThat(state.visibleFields()).isEqualTo(Map.of("done", true));
		assertThat(state.registers().get("title")).isEqualTo(FieldRegister.removed(new Stamp(26, BOB)));
	}

	@Test
	void unsetThenOlderUpdateStaysUnset() {
		DocumentState state = applyInEveryOrder(w(put(10, Map.of("title", "a", "done", false)), ALICE),
				w(unset(30, "title"), BOB), w(update(20, Map.of("title", "older")), ALICE));
		assertThat(state.visibleFields()).isEqualTo(Map.of("done", false));
		assertThat(state.registers().get("title").unset()).isTrue();
	}

	@Test
	void nullIsAValueNotAnUnset() {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("title", null);
		DocumentState state = applyInEveryOrder(w(put(10, fields), ALICE));
		assertThat(state.visibleFields()).containsEntry("title", null);
		assertThat(state.registers().get("title").unset()).isFalse();
	}

	@Test
	void updatesOfADocumentNeverPutAreKeptButInvisible() {
		DocumentState state = applyInEveryOrder(w(update(10, Map.of("title", "a")), ALICE));
		assertThat(state.isPresent()).isFalse();
		assertThat(state.visibleFields()).isEmpty();
		assertThat(state.registers()).containsKey("title");
		// a later put replaces them, an earlier one keeps the newer ones
		assertThat(applyInEveryOrder(w(update(10, Map.of("title", "a")), ALICE), w(put(11, Map.of()), BOB))
			.visibleFields()).isEmpty();
		assertThat(applyInEveryOrder(w(update(10, Map.of("title", "a")), ALICE), w(put(9, Map.of()), BOB))
			.visibleFields()).isEqualTo(Map.of("title", "a"));
	}

	@Test
	void applyReportsWhetherTheStateChanged() {
		DocumentState state = new DocumentState(KEY);
		assertThat(state.apply(update(30, Map.of("title", "new")), BOB)).isTrue();
		assertThat(state.apply(delete(20), BOB)).isTrue();
		assertThat(state.apply(update(30, Map.of("title", "new")), BOB)).isFalse();
		assertThat(state.apply(delete(20), BOB)).isFalse();
		// an older put whose only field lost to a newer write: existence stays, but the replace stamp moves
		DocumentState before = state.copy();
		boolean changed = state.apply(put(10, Map.of("title", "old")), ALICE);
		assertThat(state).isNotEqualTo(before);
		assertThat(state.replaced()).isEqualTo(new Stamp(10, ALICE));
		assertThat(changed).as("apply must report a change of the replace stamp").isTrue();
		assertThat(state.apply(put(10, Map.of("title", "old")), ALICE)).isFalse();
	}

	@Test
	void mergeReportsWhetherTheStateChanged() {
		DocumentState target = DocumentState.of(delete(20), BOB);
		target.apply(update(30, Map.of("title", "new")), BOB);
		DocumentState olderPut = DocumentState.of(put(10, Map.of("title", "old")), ALICE);
		DocumentState before = target.copy();
		assertThat(target.merge(olderPut)).isTrue();
		assertThat(target).isNotEqualTo(before);
		assertThat(target.merge(olderPut)).isFalse();
		assertThat(target.merge(target.copy())).isFalse();
	}

	@Test
	void mergeIsCommutativeAssociativeAndIdempotentOnRandomStates() {
		Random random = new Random(42);
		for (int round = 0; round < 300; round++) {
			// a writer never issues the same timestamp twice: every write of the round gets its own
			List<Long> timestamps = new ArrayList<>();
			for (long ts = 1; ts <= 40; ts++) {
				timestamps.add(ts);
			}
			Collections.shuffle(timestamps, random);
			DocumentState a = randomState(random, timestamps);
			DocumentState b = randomState(random, timestamps);
			DocumentState c = randomState(random, timestamps);
			DocumentState ab = join(a, b);
			assertThat(ab).as("round %d: a+b = b+a", round).isEqualTo(join(b, a));
			assertThat(join(ab, c)).as("round %d: (a+b)+c = a+(b+c)", round).isEqualTo(join(a, join(b, c)));
			assertThat(join(ab, ab)).as("round %d: x+x = x", round).isEqualTo(ab);
			assertThat(join(ab, a)).as("round %d: (a+b)+a = a+b", round).isEqualTo(ab);
		}
	}

	private static DocumentState join(DocumentState a, DocumentState b) {
		DocumentState out = a.copy();
		out.merge(b);
		return out;
	}

	private static DocumentState randomState(Random random, List<Long> timestamps) {
		DocumentState state = new DocumentState(KEY);
		int ops = random.nextInt(6);
		for (int i = 0; i < ops; i++) {
			long ts = timestamps.remove(timestamps.size() - 1);
			state.apply(Generators.operation(random, "tasks", "t1", ts), 1 + random.nextInt(3));
		}
		return state;
	}

	@Test
	void copyIsIndependent() {
		DocumentState state = DocumentState.of(put(10, Map.of("title", "a")), ALICE);
		DocumentState copy = state.copy();
		assertThat(copy).isEqualTo(state).hasSameHashCodeAs(state);
		copy.apply(update(11, Map.of("title", "b")), ALICE);
		assertThat(state.visibleFields()).containsEntry("title", "a");
		assertThat(copy).isNotEqualTo(state);
	}

	@Test
	void latestStampIsTheGreatestOfAllRegisters() {
		DocumentState state = DocumentState.of(put(10, Map.of("title", "a")), ALICE);
		state.apply(unset(40, "x"), BOB);
		state.apply(delete(30), ALICE);
		assertThat(state.latestStamp()).isEqualTo(new Stamp(40, BOB));
	}

	@Test
	void latestStampAndUnassignedStampsFollowEveryChange() {
		Map<String, FieldRegister> registers = new LinkedHashMap<>();
		registers.put("title", FieldRegister.set(new Stamp(12, 0), "a"));
		DocumentState state = DocumentState.of(KEY, new Stamp(10, ALICE), true, new Stamp(10, ALICE), registers);
		assertThat(state.latestStamp()).isEqualTo(new Stamp(12, 0));
		assertThat(state.hasUnassignedStamps()).isTrue();

		state.reassignFileId(0, 7);
		assertThat(state.latestStamp()).isEqualTo(new Stamp(12, 7));
		assertThat(state.hasUnassignedStamps()).isFalse();

		DocumentState copy = state.copy();
		assertThat(state.apply(update(20, Map.of("n", 1)), 0)).isTrue();
		assertThat(state.latestStamp()).isEqualTo(new Stamp(20, 0));
		assertThat(state.hasUnassignedStamps()).isTrue();
		assertThat(copy.latestStamp()).as("a copy keeps its own").isEqualTo(new Stamp(12, 7));
		assertThat(copy.hasUnassignedStamps()).isFalse();

		assertThat(state.apply(update(15, Map.of("n", 2)), BOB)).as("older than the register: no change").isFalse();
		assertThat(state.latestStamp()).isEqualTo(new Stamp(20, 0));
		assertThat(state.apply(delete(30), BOB)).isTrue();
		assertThat(state.latestStamp()).isEqualTo(new Stamp(30, BOB));
		assertThat(new DocumentState(KEY).hasUnassignedStamps()).as("the zero stamp is no write").isFalse();
	}

	@Test
	void viewsAreUnmodifiable() {
		DocumentState state = DocumentState.of(put(10, Map.of("title", "a")), ALICE);
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> state.registers().put("x", FieldRegister.removed(new Stamp(11, ALICE))));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> state.visibleFields().put("x", 1L));
	}

	@Test
	void rejectsOperationsAndStatesOfAnotherDocument() {
		DocumentState state = new DocumentState(KEY);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> state.apply(new Operation.Delete("tasks", "other", 5), ALICE))
			.withMessageContaining("tasks/other");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> state.apply(new Operation.Delete("notes", "t1", 5), ALICE))
			.withMessageContaining("notes/t1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> state.merge(new DocumentState(new DocumentKey("tasks", "t2"))))
			.withMessageContaining("tasks/t2");
		assertThat(state).isEqualTo(new DocumentState(KEY));
	}

	@Test
	void rebuildsFromPartsAndChecksThem() {
		DocumentState original = applyInEveryOrder(w(put(10, Map.of("title", "a", "n", 2)), ALICE),
				w(unset(20, "n"), BOB), w(delete(30), BOB));
		DocumentState rebuilt = DocumentState.of(KEY, original.existence(), original.isPresent(), original.replaced(),
				original.registers());
		assertThat(rebuilt).isEqualTo(original);

		assertThatIllegalArgumentException()
			.isThrownBy(() -> DocumentState.of(KEY, Stamp.ZERO, true, Stamp.ZERO, Map.of()))
			.withMessageContaining("present without an existence stamp");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DocumentState.of(KEY, new Stamp(10, ALICE), true, new Stamp(10, ALICE),
					Map.of("title", FieldRegister.set(new Stamp(9, BOB), "x"))))
			.withMessageContaining("title")
			.withMessageContaining("older than the document's replace stamp");
		assertThatExceptionOfType(NullPointerException.class)
			.isThrownBy(() -> DocumentState.of(KEY, null, false, Stamp.ZERO, Map.of()));
	}

	@Test
	void rebuildingChecksFieldNames() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DocumentState.of(KEY, new Stamp(10, ALICE), true, new Stamp(10, ALICE),
					Map.of("", FieldRegister.set(new Stamp(10, ALICE), "x"))))
			.withMessageContaining("field name");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DocumentState.of(KEY, new Stamp(10, ALICE), true, new Stamp(10, ALICE),
					Map.of("bad\u0000name", FieldRegister.set(new Stamp(10, ALICE), "x"))))
			.withMessageContaining("control character");
	}

	@Test
	void reassignFileIdRewritesTheStampsOfOneWriterOnly() {
		Write[] pending = { w(put(10, Map.of("title", "a", "n", 1)), 0), w(update(12, Map.of("n", 2)), 0),
				w(unset(14, "title"), 0) };
		Write[] remote = { w(update(11, Map.of("n", 9)), BOB), w(update(13, Map.of("other", "x")), BOB),
				w(delete(15), BOB) };

		DocumentState local = new DocumentState(KEY);
		for (Write write : pending) {
			local.apply(write.operation(), write.fileId());
		}
		for (Write write : remote) {
			local.apply(write.operation(), write.fileId());
		}
		local.reassignFileId(0, 7);

		DocumentState expected = new DocumentState(KEY);
		for (Write write : pending) {
			expected.apply(write.operation(), 7);
		}
		for (Write write : remote) {
			expected.apply(write.operation(), write.fileId());
		}
		assertThat(local).isEqualTo(expected);
		assertThat(local.registers().get("other").stamp()).isEqualTo(new Stamp(13, BOB));
		assertThat(local.registers().get("n").stamp()).isEqualTo(new Stamp(12, 7));
		assertThat(local.existence()).isEqualTo(new Stamp(15, BOB));
		assertThat(local.replaced()).isEqualTo(new Stamp(10, 7));
	}

	@Test
	void reassignFileIdLeavesTheZeroStampAlone() {
		DocumentState state = DocumentState.of(update(10, Map.of("title", "a")), 0);
		state.reassignFileId(0, 7);
		assertThat(state.existence()).isEqualTo(Stamp.ZERO);
		assertThat(state.replaced()).isEqualTo(Stamp.ZERO);
		assertThat(state.registers().get("title").stamp()).isEqualTo(new Stamp(10, 7));

		DocumentState empty = new DocumentState(KEY);
		empty.reassignFileId(0, 7);
		assertThat(empty).isEqualTo(new DocumentState(KEY));
	}

	@Test
	void reassignFileIdDropsFieldsThatFallBelowTheReassignedReplaceStamp() {
		// a remote write in the same clock tick as a pending put: above the put while it is stamped
		// with file id 0, below it once the put carries file id 7
		DocumentState local = new DocumentState(KEY);
		local.apply(put(50, Map.of("title", "mine")), 0);
		local.apply(update(50, Map.of("remote", "same tick")), 3);
		assertThat(local.visibleFields()).containsEntry("remote", "same tick");

		local.reassignFileId(0, 7);

		DocumentState direct = new DocumentState(KEY);
		direct.apply(put(50, Map.of("title", "mine")), 7);
		direct.apply(update(50, Map.of("remote", "same tick")), 3);
		assertThat(local).isEqualTo(direct);
		// and the state can still be rebuilt from its parts (as the stores and the codec do)
		assertThat(DocumentState.of(KEY, local.existence(), local.isPresent(), local.replaced(), local.registers()))
			.isEqualTo(local);
	}

	@Test
	void reassignFileIdThenMergeEqualsMergeOfReassignedWrites() {
		Random random = new Random(7);
		for (int round = 0; round < 200; round++) {
			DocumentState local = new DocumentState(KEY);
			DocumentState direct = new DocumentState(KEY);
			DocumentState remote = new DocumentState(KEY);
			for (int i = 0; i < 6; i++) {
				// distinct timestamps across writers: the local writer uses even ones, the remote odd ones
				long ts = 2 + 2 * random.nextInt(20);
				Operation local0 = Generators.operation(random, "tasks", "t1", ts);
				local.apply(local0, 0);
				direct.apply(local0, 9);
				remote.apply(Generators.operation(random, "tasks", "t1", ts + 1), 1 + random.nextInt(12));
			}
			local.reassignFileId(0, 9);
			assertThat(local).as("round %d", round).isEqualTo(direct);
			local.merge(remote);
			direct.merge(remote);
			assertThat(local).as("round %d after merge", round).isEqualTo(direct);
		}
	}

}
