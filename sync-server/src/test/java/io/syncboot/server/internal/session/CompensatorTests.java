package io.syncboot.server.internal.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.HybridLogicalClock;
import io.syncboot.core.model.Operation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compensating writes really revert: for random server states and random rejected writes (with
 * clocks ahead of the server's), the rejected writer's replica (server state, then its own writes,
 * then the compensation) ends with exactly the registers of the server (server state, then the
 * compensation), and the visible content is the server's original one.
 */
class CompensatorTests {

	private static final long SERVER_FILE = 99;

	private static final long OTHER_WRITER = 3;

	private static final long REJECTED_WRITER = 7;

	private static final List<String> IDS = List.of("a", "b", "c", "d");

	private static final List<String> FIELDS = List.of("x", "y", "z");

	@Test
	void theRejectedWritersReplicaConvergesToTheServersOriginalState() {
		long seed = System.nanoTime();
		Random random = new Random(seed);
		AtomicLong wall = new AtomicLong(1_000_000);
		Compensator compensator = new Compensator();
		for (int round = 0; round < 500; round++) {
			String context = "seed " + seed + ", round " + round;
			long base = HybridLogicalClock.pack(wall.addAndGet(random.nextInt(5)), 0);
			Map<DocumentKey, DocumentState> server = new LinkedHashMap<>();
			long serverClock = base;
			for (Operation operation : randomOperations(random, serverClock, random.nextInt(8))) {
				state(server, operation).apply(operation, OTHER_WRITER);
			}
			// the rejected writer's clock may run ahead of or behind the server's
			long clientClock = base + (random.nextBoolean() ? 1_000_000L : -Math.min(base - 1, 5_000L));
			List<Operation> rejectedOps = randomOperations(random, clientClock, 1 + random.nextInt(6));
			Changeset rejected = new Changeset(1, 0, rejectedOps);

			Map<DocumentKey, DocumentState> current = new HashMap<>();
			for (Operation operation : rejectedOps) {
				DocumentKey key = new DocumentKey(operation.collection(), operation.id());
				current.put(key, server.containsKey(key) ? server.get(key).copy() : new DocumentState(key));
			}
			List<Operation> compensation = compensator.plan(List.of(rejected), current);
			new Changeset(1, 0, compensation); // timestamps strictly increase

			Map<DocumentKey, DocumentState> client = copy(server);
			for (Operation operation : rejectedOps) {
				state(client, operation).apply(operation, REJECTED_WRITER);
			}
			Map<DocumentKey, DocumentState> serverAfter = copy(server);
			for (Operation operation : compensation) {
				state(client, operation).apply(operation, SERVER_FILE);
				state(serverAfter, operation).apply(operation, SERVER_FILE);
			}
			for (DocumentKey key : current.keySet()) {
				DocumentState original = server.getOrDefault(key, new DocumentState(key));
				assertThat(client.get(key)).as(context + ": registers of " + key).isEqualTo(serverAfter.get(key));
				assertThat(serverAfter.get(key).isPresent()).as(context).isEqualTo(original.isPresent());
				assertThat(serverAfter.get(key).visibleFields()).as(context).isEqualTo(original.visibleFields());
			}
		}
	}

	@Test
	void untouchedFieldsKeepTheirStamps() {
		Compensator compensator = new Compensator();
		DocumentKey key = new DocumentKey("tasks", "t");
		DocumentState state = new DocumentState(key);
		state.apply(new Operation.Put("tasks", "t", 10, Map.of("x", 1, "y", 2)), OTHER_WRITER);
		List<Operation> plan = compensator.plan(
				List.of(new Changeset(1, 0, List.of(new Operation.Update("tasks", "t", 20, Map.of("x", 9))))),
				Map.of(key, state));
		assertThat(plan).hasSize(1);
		assertThat(plan.get(0)).isInstanceOf(Operation.Update.class);
		assertThat(((Operation.Update) plan.get(0)).fields()).isEqualTo(Map.of("x", 1L));
		assertThat(plan.get(0).timestamp()).isGreaterThan(20);
	}

	@Test
	void absurdTimestampsFailOnlyTheirOwnCompensation() {
		Compensator compensator = new Compensator();
		DocumentKey key = new DocumentKey("tasks", "t");
		Changeset absurd = new Changeset(1, 0, List.of(new Operation.Update("tasks", "t", Long.MAX_VALUE, Map.of("x", 9))));
		org.assertj.core.api.Assertions.assertThatIllegalStateException()
			.isThrownBy(() -> compensator.plan(List.of(absurd), Map.of(key, new DocumentState(key))));
		Changeset normal = new Changeset(1, 0, List.of(new Operation.Update("tasks", "t", 20, Map.of("x", 9))));
		List<Operation> plan = compensator.plan(List.of(normal), Map.of(key, new DocumentState(key)));
		assertThat(plan.get(0).timestamp()).as("just above its own rejected write, not the absurd stamp").isEqualTo(21);
	}

	@Test
	void aWritersEditStampedAfterTheRejectedWriteStillWinsOverTheCompensation() {
		Compensator compensator = new Compensator();
		DocumentKey key = new DocumentKey("items", "pen");
		DocumentState server = new DocumentState(key);
		server.apply(new Operation.Put("items", "pen", 100, Map.of("price", 1)), OTHER_WRITER);
		Changeset rejected = new Changeset(1, 0, List.of(new Operation.Update("items", "pen", 200, Map.of("price", 99))));
		List<Operation> compensation = compensator.plan(List.of(rejected), Map.of(key, server.copy()));
		for (Operation operation : compensation) {
			server.apply(operation, SERVER_FILE);
		}
		assertThat(server.visibleFields()).containsEntry("price", 1L);

		// a writer set the price at 300 while offline and uploads it after the rejection
		server.apply(new Operation.Update("items", "pen", 300, Map.of("price", 2)), OTHER_WRITER);

		assertThat(server.visibleFields()).containsEntry("price", 2L);
	}

	private static List<Operation> randomOperations(Random random, long clock, int count) {
		List<Operation> operations = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String id = IDS.get(random.nextInt(IDS.size()));
			long ts = clock + i + 1;
			String field = FIELDS.get(random.nextInt(FIELDS.size()));
			switch (random.nextInt(4)) {
				case 0 -> operations.add(new Operation.Put("tasks", id, ts, Map.of(field, random.nextInt(3))));
				case 1 -> operations.add(new Operation.Update("tasks", id, ts, Map.of(field, random.nextInt(3))));
				case 2 -> operations.add(new Operation.Unset("tasks", id, ts, Set.of(field)));
				default -> operations.add(new Operation.Delete("tasks", id, ts));
			}
		}
		return operations;
	}

	private static DocumentState state(Map<DocumentKey, DocumentState> states, Operation operation) {
		return states.computeIfAbsent(new DocumentKey(operation.collection(), operation.id()), DocumentState::new);
	}

	private static Map<DocumentKey, DocumentState> copy(Map<DocumentKey, DocumentState> states) {
		Map<DocumentKey, DocumentState> copy = new HashMap<>();
		states.forEach((key, state) -> copy.put(key, state.copy()));
		return copy;
	}

}
