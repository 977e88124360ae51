package io.syncboot.server.internal.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.merge.FieldRegister;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.Operation;
import io.syncboot.server.store.CompensationPlanner;

/**
 * Plans the compensating writes that revert a rejected upload. Merging is a join, so re-sending the
 * server's old document states would not undo a client's newer writes: instead the server writes the
 * old content again with fresh hybrid-logical-clock stamps just above every stamp of the rejected
 * writes and of the documents' current states, so the compensation is greater than all of them on
 * every replica, and no greater: a writer's edit stamped after the rejected write still wins over
 * the compensation, as it would have without the rejected write (stamps from the server's clock
 * would beat every edit made before the rejection and uploaded after it). Per document:
 * <ul>
 * <li>touched by a {@code put} or {@code delete} (existence, and for a put the whole document): a
 * present document is put again with its visible fields; an absent one is deleted again (after an
 * empty put when the rejected writes also wrote fields, so the replace stamp moves past them);</li>
 * <li>touched only by {@code update}/{@code unset}: each touched field is set again to the server's
 * value, or unset where the server has none.</li>
 * </ul>
 * Registers the rejected write never touched keep their stamps, so concurrent writes by others to
 * other fields are not overwritten. Thread-safe (stateless).
 */
public final class Compensator implements CompensationPlanner {

	/**
	 * The stamps of one plan: from just above every observed timestamp, increasing. Local to the plan, so a client that sends absurd timestamps cannot move
	 * the stamps of compensations on other documents.
	 */
	private static final class Stamps {

		private long next;

		Stamps(long start) {
			this.next = start;
		}

		long next() {
			if (this.next == Long.MAX_VALUE) {
				throw new IllegalStateException("the rejected writes carry timestamps too large to compensate");
			}
			return this.next++;
		}

	}

	private static final class Touched {

		boolean put;

		boolean delete;

		final Set<String> fields = new LinkedHashSet<>();

	}

	@Override
	public List<Operation> plan(List<Changeset> rejected, Map<DocumentKey, DocumentState> current) {
		Map<DocumentKey, Touched> touched = new LinkedHashMap<>();
		long floor = 0;
		for (Changeset changeset : rejected) {
			for (Operation operation : changeset.operations()) {
				floor = Math.max(floor, operation.timestamp());
				Touched doc = touched.computeIfAbsent(new DocumentKey(operation.collection(), operation.id()),
						k -> new Touched());
				if (operation instanceof Operation.Put put) {
					doc.put = true;
					doc.fields.addAll(put.fields().keySet());
				}
				else if (operation instanceof Operation.Delete) {
					doc.delete = true;
				}
				else if (operation instanceof Operation.Update update) {
					doc.fields.addAll(update.fields().keySet());
				}
				else if (operation instanceof Operation.Unset unset) {
					doc.fields.addAll(unset.fields());
				}
			}
		}
		for (DocumentKey key : touched.keySet()) {
			DocumentState state = current.get(key);
			if (state != null) {
				floor = Math.max(floor, state.latestStamp().timestamp());
			}
		}
		if (floor == Long.MAX_VALUE) {
			throw new IllegalStateException("the rejected writes carry timestamps too large to compensate");
		}
		Stamps stamps = new Stamps(floor + 1);
		List<Operation> operations = new ArrayList<>();
		touched.forEach((key, doc) -> {
			DocumentState state = current.get(key);
			plan(key, doc, (state != null) ? state : new DocumentState(key), stamps, operations);
		});
		return operations;
	}

	private static void plan(DocumentKey key, Touched doc, DocumentState state, Stamps stamps,
			List<Operation> operations) {
		String collection = key.collection();
		String id = key.id();
		if (doc.put || doc.delete) {
			if (state.isPresent()) {
				operations.add(new Operation.Put(collection, id, stamps.next(), state.visibleFields()));
			}
			else {
				if (doc.put || !doc.fields.isEmpty()) {
					// an empty put moves the replace stamp past the rejected field writes, voiding them
					operations.add(new Operation.Put(collection, id, stamps.next(), Map.of()));
				}
				operations.add(new Operation.Delete(collection, id, stamps.next()));
			}
			return;
		}
		Map<String, Object> set = new TreeMap<>(); // allows JSON null values
		Set<String> unset = new LinkedHashSet<>();
		for (String field : doc.fields) {
			FieldRegister register = state.registers().get(field);
			if (register != null && !register.unset()) {
				set.put(field, register.value());
			}
			else {
				unset.add(field);
			}
		}
		if (!set.isEmpty()) {
			operations.add(new Operation.Update(collection, id, stamps.next(), set));
		}
		if (!unset.isEmpty()) {
			operations.add(new Operation.Unset(collection, id, stamps.next(), unset));
		}
	}

}
