package io.syncboot.core.model;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One write to one document, stamped with the writer's {@link HybridLogicalClock} timestamp. The
 * writer's client file id is carried by the changeset, not the operation. Immutable.
 */
public sealed interface Operation permits Operation.Put, Operation.Update, Operation.Unset, Operation.Delete {

	/** The collection of the document. */
	String collection();

	/** The id of the document. */
	String id();

	/** The clock value of the write. */
	long timestamp();

	/** Creates the document or replaces all of its fields. */
	record Put(String collection, String id, long timestamp, Map<String, Object> fields) implements Operation {
		public Put {
			Names.collection(collection);
			Names.id(id);
			checkTimestamp(timestamp);
			fields = JsonValues.normalizeFields(fields);
		}
	}

	/** Sets the given fields; does not create the document. */
	record Update(String collection, String id, long timestamp, Map<String, Object> fields) implements Operation {
		public Update {
			Names.collection(collection);
			Names.id(id);
			checkTimestamp(timestamp);
			fields = JsonValues.normalizeFields(fields);
			if (fields.isEmpty()) {
				throw new IllegalArgumentException("update of " + collection + "/" + id + " sets no field");
			}
		}
	}

	/** Removes the given fields. */
	record Unset(String collection, String id, long timestamp, Set<String> fields) implements Operation {
		public Unset {
			Names.collection(collection);
			Names.id(id);
			checkTimestamp(timestamp);
			if (fields == null || fields.isEmpty()) {
				throw new IllegalArgumentException("unset of " + collection + "/" + id + " names no field");
			}
			Set<String> copy = new LinkedHashSet<>();
			for (String field : fields) {
				copy.add(Names.field(field));
			}
			fields = Collections.unmodifiableSet(copy);
		}
	}

	/** Deletes the document; only a later {@link Put} brings it back. */
	record Delete(String collection, String id, long timestamp) implements Operation {
		public Delete {
			Names.collection(collection);
			Names.id(id);
			checkTimestamp(timestamp);
		}
	}

	private static void checkTimestamp(long timestamp) {
		if (timestamp <= 0) {
			throw new IllegalArgumentException("operation timestamp must be > 0, was " + timestamp);
		}
	}

}
