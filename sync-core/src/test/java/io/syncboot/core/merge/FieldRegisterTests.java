package io.syncboot.core.merge;

import io.syncboot.core.model.Stamp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FieldRegisterTests {

	@Test
	void distinguishesANullValueFromAnUnset() {
		Stamp stamp = new Stamp(1, 1);
		assertThat(FieldRegister.set(stamp, null)).isNotEqualTo(FieldRegister.removed(stamp));
		assertThat(FieldRegister.set(stamp, null).unset()).isFalse();
		assertThat(FieldRegister.removed(stamp).unset()).isTrue();
		assertThat(FieldRegister.removed(stamp).value()).isNull();
	}

	@Test
	void rejectsAnUnsetWithAValueAndAMissingStamp() {
		assertThatIllegalArgumentException().isThrownBy(() -> new FieldRegister(new Stamp(1, 1), "x", true))
			.withMessage("an unset field has no value");
		assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> FieldRegister.set(null, "x"));
	}

}
