package io.syncboot.client.internal.store;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.syncboot.core.model.Operation;
import io.syncboot.core.model.JsonValues;
import io.syncboot.core.model.Names;

/**
 * A write requested by the application, not yet stamped: the store turns it into an
 * {@link Operation} with a fresh clock value when it commits. Immutable; validated on creation.
 */
public sealed interface LocalWrite permits LocalWrite.Put, LocalWrite.Update, LocalWrite.Unset, LocalWrite.Delete {

	String collection();

	String id();

	/** The operation with its timestamp. */
	Operation stamp(long timestamp);

	/** Create or replace. */
	record Put(String collection, String id, Map<String, Object> fields) implements LocalWrite {
		public Put {
			Names.collection(collection);
			Names.id(id);
			fields = JsonValues.normalizeFields(fields);
		}

		@Override
		public Operation stamp(long timestamp) {
			return new Operation.Put(this.collection, this.id, timestamp, this.fields);
		}
	}

	/** Set fields. */
	record Update(String collection, String id, Map<String, Object> fields) implements LocalWrite {
		public Update {
			Names.collection(collection);
			Names.id(id);
			fields = JsonValues.normalizeFields(fields);
			if (fields.isEmpty()) {
				throw new IllegalArgumentException("update of " + collection + "/" + id + " must set at least one field");
			}
		}

		@Override
		public Operation stamp(long timestamp) {
			return new Operation.Update(this.collection, this.id, timestamp, this.fields);
		}
	}

	/** Remove fields. */
	record Unset(String collection, String id, Set<String> fields) implements LocalWrite {
		public Unset {
			Names.collection(collection);
			Names.id(id);
			if (fields.isEmpty()) {
				throw new IllegalArgumentException("unset of " + collection + "/" + id + " must name at least one field");
			}
			Set<String> copy = new LinkedHashSet<>();
			fields.forEach(field -> copy.add(Names.field(field)));
			fields = Collections.unmodifiableSet(copy);
		}

		@Override
		public Operation stamp(long timestamp) {
			return new Operation.Unset(this.collection, this.id, timestamp, this.fields);
		}
	}

	/** Delete. */
	record Delete(String collection, String id) implements LocalWrite {
		public Delete {
			Names.collection(collection);
			Names.id(id);
		}

		@Override
		public Operation stamp(long timestamp) {
			return new Operation.Delete(this.collection, this.id, timestamp);
		}
	}

}
