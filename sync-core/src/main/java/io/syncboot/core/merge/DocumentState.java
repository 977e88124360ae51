package io.syncboot.core.merge;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.Names;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.Stamp;
import org.jspecify.annotations.Nullable;

/**
 * The merge state of one document: the contract's rules as a join of last-writer-wins registers.
 * <ul>
 * <li>existence: the greatest stamp among {@code put} (present) and {@code delete} (absent) wins;
 * {@code update} and {@code unset} never touch it, so a delete beats every concurrent update and
 * only a later put revives the document;</li>
 * <li>replace: the greatest {@code put} stamp, below which every field write is void (a put
 * replaces the whole document);</li>
 * <li>fields: per field, the greatest write at or above the replace stamp.</li>
 * </ul>
 * Applying the same set of operations in any order, any number of times, yields equal states.
 *
 * <p>A state decoded from JSON may remember that text until it next changes, so that a codec can
 * write it again without encoding it; see {@link #rememberEncoding(String)}.
 *
 * <p>Mutable and not thread-safe: confine an instance to one thread or guard it (a state made by
 * {@link #encoded} or {@link #withPendingFields} decodes itself when its content is first read).
 */
public final class DocumentState {

	private final DocumentKey key;

	private Stamp existence = Stamp.ZERO;

	private boolean present;

	private Stamp replaced = Stamp.ZERO;

	private final TreeMap<String, FieldRegister> fields = new TreeMap<>();

	private @Nullable String encoded; // the JSON this state was decoded from, while unchanged

	private @Nullable Function<String, DocumentState> decoder; // set while only the encoding is read

	private @Nullable Stamp latest; // the greatest stamp, while known and unchanged

	private boolean unassigned; // whether a stamp has file id 0, while latest is known

	private boolean headKnown = true; // existence, presence and replace stamp, even before decoding

	/** An empty state: never written, absent. */
	public DocumentState(DocumentKey key) {
		this.key = Objects.requireNonNull(key, "key");
	}

	/**
	 * Rebuilds a state from its parts, as stored or sent on the wire.
	 * @throws IllegalArgumentException if a field name breaks the naming rules or a field register lies
	 * below the replace stamp
	 */
	public static DocumentState of(DocumentKey key, Stamp existence, boolean present, Stamp replaced,
			Map<String, FieldRegister> fields) {
		DocumentState state = withHead(key, existence, present, replaced);
		Stamp latest = Stamp.max(existence, replaced);
		boolean unassigned = existence.isUnassigned() || replaced.isUnassigned();
		for (Map.Entry<String, FieldRegister> entry : fields.entrySet()) {
			String name = entry.getKey();
			Stamp stamp = entry.getValue().stamp();
			Names.field(name);
			if (stamp.compareTo(replaced) < 0) {
				throw new IllegalArgumentException("field '" + name + "' of " + key + " is older than the document's replace stamp");
			}
			state.fields.put(name, entry.getValue());
			latest = Stamp.max(latest, stamp);
			unassigned |= stamp.isUnassigned();
		}
		// summarised here, while the registers are at hand: a store asks for both
		state.latest = latest;
		state.unassigned = unassigned;
		return state;
	}

	/** The state one operation alone produces. */
	public static DocumentState of(Operation operation, long originFileId) {
		DocumentState state = new DocumentState(new DocumentKey(operation.collection(), operation.id()));
		Stamp stamp = new Stamp(operation.timestamp(), originFileId);
		if (operation instanceof Operation.Put put) {
			state.existence = stamp;
			state.present = true;
			state.replaced = stamp;
			put.fields().forEach((name, value) -> state.fields.put(name, FieldRegister.set(stamp, value)));
		}
		else if (operation instanceof Operation.Update update) {
			update.fields().forEach((name, value) -> state.fields.put(name, FieldRegister.set(stamp, value)));
		}
		else if (operation instanceof Operation.Unset unset) {
			unset.fields().forEach(name -> state.fields.put(name, FieldRegister.removed(stamp)));
		}
		else {
			state.existence = stamp;
			state.present = false;
		}
		return state;
	}

	/**
	 * A state known by its JSON text only, decoded by {@code decoder} the first time anything but its
	 * key or its text is asked for; a store that only passes states on (a snapshot sent to a client)
	 * so never decodes them. {@code decoder} must return the state {@code encoded} holds, of
	 * {@code key}; what it throws is thrown by the call that needed the content.
	 */
	public static DocumentState encoded(DocumentKey key, String encoded, Function<String, DocumentState> decoder) {
		DocumentState state = new DocumentState(key);
		state.encoded = Objects.requireNonNull(encoded, "encoded");
		state.decoder = Objects.requireNonNull(decoder, "decoder");
		state.headKnown = false;
		return state;
	}

	/**
	 * A state known by its JSON text, whose existence, presence, replace stamp and register summary
	 * were read with it and whose field registers {@code decoder} builds from the text the first time
	 * they are asked for. For a reader that checked the whole text as it went (a download read in
	 * one pass): a store that writes the text as it came never builds the registers.
	 * @param fieldsLatest the greatest field register stamp in the text ({@link Stamp#ZERO} if none)
	 * @param fieldsUnassigned whether a field register stamp in the text is {@link Stamp#isUnassigned()}
	 * @throws IllegalArgumentException if the document is present without an existence stamp
	 */
	public static DocumentState withPendingFields(DocumentKey key, Stamp existence, boolean present, Stamp replaced,
			Stamp fieldsLatest, boolean fieldsUnassigned, String encoded, Function<String, DocumentState> decoder) {
		DocumentState state = withHead(key, existence, present, replaced);
		state.latest = Stamp.max(Stamp.max(existence, replaced), Objects.requireNonNull(fieldsLatest, "fieldsLatest"));
		state.unassigned = fieldsUnassigned || existence.isUnassigned() || replaced.isUnassigned();
		state.encoded = Objects.requireNonNull(encoded, "encoded");
		state.decoder = Objects.requireNonNull(decoder, "decoder");
		return state;
	}

	/**
	 * A state with its existence, presence and replace stamp and no field registers.
	 * @throws IllegalArgumentException if the document is present without an existence stamp
	 */
	private static DocumentState withHead(DocumentKey key, Stamp existence, boolean present, Stamp replaced) {
		DocumentState state = new DocumentState(key);
		state.existence = Objects.requireNonNull(existence, "existence");
		state.present = present;
		if (present && existence.equals(Stamp.ZERO)) {
			throw new IllegalArgumentException("document " + key + " is present without an existence stamp");
		}
		state.replaced = Objects.requireNonNull(replaced, "replaced");
		return state;
	}

	/** Decodes the content of a state made by {@link #encoded}, once. */
	private void decoded() {
		Function<String, DocumentState> pending = this.decoder;
		if (pending == null) {
			return;
		}
		DocumentState content = pending.apply(Objects.requireNonNull(this.encoded));
		if (!content.key.equals(this.key)) {
			throw new IllegalArgumentException("the encoding of " + this.key + " holds " + content.key);
		}
		content.decoded();
		this.existence = content.existence;
		this.present = content.present;
		this.replaced = content.replaced;
		this.fields.putAll(content.fields);
		this.decoder = null;
		this.headKnown = true;
	}

	/** Decodes the state unless its existence, presence and replace stamp are known. */
	private void head() {
		if (!this.headKnown) {
			decoded();
		}
	}

	/**
	 * Applies one operation written by {@code originFileId}.
	 * @return whether the state changed
	 */
	public boolean apply(Operation operation, long originFileId) {
		if (!operation.collection().equals(this.key.collection()) || !operation.id().equals(this.key.id())) {
			throw new IllegalArgumentException("operation on " + operation.collection() + "/" + operation.id()
					+ " applied to " + this.key);
		}
		return merge(of(operation, originFileId));
	}

	/**
	 * Joins another state of the same document into this one.
	 * @return whether this state changed
	 */
	public boolean merge(DocumentState other) {
		decoded();
		other.decoded();
		if (!other.key.equals(this.key)) {
			throw new IllegalArgumentException("cannot merge " + other.key + " into " + this.key);
		}
		boolean changed = false;
		if (other.existence.isAfter(this.existence)) {
			this.existence = other.existence;
			this.present = other.present;
			changed = true;
		}
		if (other.replaced.isAfter(this.replaced)) {
			this.replaced = other.replaced;
			this.fields.values().removeIf(register -> register.stamp().compareTo(this.replaced) < 0);
			changed = true;
		}
		for (Map.Entry<String, FieldRegister> entry : other.fields.entrySet()) {
			FieldRegister incoming = entry.getValue();
			if (incoming.stamp().compareTo(this.replaced) < 0) {
				continue;
			}
			FieldRegister current = this.fields.get(entry.getKey());
			if (current == null || incoming.stamp().isAfter(current.stamp())) {
				this.fields.put(entry.getKey(), incoming);
				changed = true;
			}
		}
		if (changed) {
			forgetEncoding();
		}
		return changed;
	}

	/**
	 * Replaces every stamp whose file id is {@code from} with one whose file id is {@code to}. Field
	 * registers that then order below the replace stamp are dropped, as the put would have dropped
	 * them had it carried {@code to} from the start.
	 */
	public void reassignFileId(long from, long to) {
		decoded();
		forgetEncoding();
		this.existence = reassign(this.existence, from, to);
		this.replaced = reassign(this.replaced, from, to);
		this.fields.replaceAll((name, register) -> new FieldRegister(reassign(register.stamp(), from, to),
				register.value(), register.unset()));
		// a register in the same clock tick as the put may now order below it: the put voids it
		this.fields.values().removeIf(register -> register.stamp().compareTo(this.replaced) < 0);
	}

	private static Stamp reassign(Stamp stamp, long from, long to) {
		return (stamp.fileId() == from && !stamp.equals(Stamp.ZERO)) ? new Stamp(stamp.timestamp(), to) : stamp;
	}

	/**
	 * Remembers the JSON text this state was just decoded from, until the state next changes. For
	 * codecs: the caller vouches that the text encodes exactly this state.
	 * @param state the state's JSON text
	 */
	public void rememberEncoding(String state) {
		decoded();
		this.encoded = Objects.requireNonNull(state, "state");
	}

	/** The JSON text remembered by {@link #rememberEncoding}, or null if none or changed since. */
	public @Nullable String encoding() {
		return this.encoded;
	}

	private void forgetEncoding() {
		this.encoded = null;
		this.latest = null;
	}

	public DocumentKey key() {
		return this.key;
	}

	/** Whether the document exists (its last existence write was a put). */
	public boolean isPresent() {
		head();
		return this.present;
	}

	public Stamp existence() {
		head();
		return this.existence;
	}

	public Stamp replaced() {
		head();
		return this.replaced;
	}

	/** The field registers, including removed ones, by name; unmodifiable. */
	public Map<String, FieldRegister> registers() {
		decoded();
		return Collections.unmodifiableMap(this.fields);
	}

	/** The fields a reader sees: set fields only, by name; empty when the document is absent. */
	public Map<String, Object> visibleFields() {
		decoded();
		if (!this.present) {
			return Map.of();
		}
		Map<String, Object> visible = new LinkedHashMap<>();
		this.fields.forEach((name, register) -> {
			if (!register.unset()) {
				visible.put(name, register.value());
			}
		});
		return Collections.unmodifiableMap(visible);
	}

	/** The greatest stamp in this state. */
	public Stamp latestStamp() {
		summarise();
		return Objects.requireNonNull(this.latest);
	}

	/**
	 * Whether a stamp in this state was written by a file before the server assigned its id (file
	 * id {@code 0}, on a real write); such stamps are reassigned once the id is known.
	 */
	public boolean hasUnassignedStamps() {
		summarise();
		return this.unassigned;
	}

	/** Computes {@link #latest} and {@link #unassigned} unless known. */
	private void summarise() {
		if (this.latest != null) {
			return;
		}
		decoded();
		Stamp greatest = Stamp.max(this.existence, this.replaced);
		boolean anyUnassigned = this.existence.isUnassigned() || this.replaced.isUnassigned();
		for (FieldRegister register : this.fields.values()) {
			greatest = Stamp.max(greatest, register.stamp());
			anyUnassigned |= register.stamp().isUnassigned();
		}
		this.latest = greatest;
		this.unassigned = anyUnassigned;
	}

	/** A deep copy (registers are immutable). */
	public DocumentState copy() {
		decoded();
		DocumentState copy = new DocumentState(this.key);
		copy.existence = this.existence;
		copy.present = this.present;
		copy.replaced = this.replaced;
		copy.fields.putAll(this.fields);
		copy.encoded = this.encoded;
		copy.latest = this.latest;
		copy.unassigned = this.unassigned;
		return copy;
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof DocumentState that)) {
			return false;
		}
		decoded();
		that.decoded();
		return this.key.equals(that.key)
				&& this.existence.equals(that.existence) && this.present == that.present
				&& this.replaced.equals(that.replaced) && this.fields.equals(that.fields);
	}

	@Override
	public int hashCode() {
		decoded();
		return Objects.hash(this.key, this.existence, this.present, this.replaced, this.fields);
	}

	@Override
	public String toString() {
		decoded();
		return "DocumentState{" + this.key + (this.present ? " present" : " absent") + " existence=" + this.existence
				+ " replaced=" + this.replaced + " fields=" + this.fields + "}";
	}

}
