package io.syncboot.core.merge;

import java.util.Objects;

import io.syncboot.core.model.Stamp;
import org.jspecify.annotations.Nullable;

/**
 * The last write of one field: its stamp and either a value or the mark of an {@code unset}.
 * Immutable.
 *
 * @param stamp the stamp of the write
 * @param value the normalized value (see {@link io.syncboot.core.model.JsonValues}); {@code null}
 * for a JSON null or an unset
 * @param unset whether the write removed the field
 */
public record FieldRegister(Stamp stamp, @Nullable Object value, boolean unset) {

	public FieldRegister {
		Objects.requireNonNull(stamp, "stamp");
		if (unset && value != null) {
			throw new IllegalArgumentException("an unset field has no value");
		}
	}

	/** A write that sets a value. */
	public static FieldRegister set(Stamp stamp, @Nullable Object value) {
		return new FieldRegister(stamp, value, false);
	}

	/** A write that removes the field. */
	public static FieldRegister removed(Stamp stamp) {
		return new FieldRegister(stamp, null, true);
	}

}
