package io.syncboot.core.model;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class OperationTests {

	@Test
	void putNormalizesAndCopiesItsFields() {
		Map<String, Object> fields = new HashMap<>();
		fields.put("n", 1);
		fields.put("tags", List.of(2.5f));
		Operation.Put put = new Operation.Put("tasks", "t1", 10, fields);
		fields.put("later", true);
		assertThat(put.fields()).isEqualTo(Map.of("n", 1L, "tags", List.of(2.5d)));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> put.fields().put("x", 1L));
		assertThat(put).isEqualTo(new Operation.Put("tasks", "t1", 10, Map.of("n", 1L, "tags", List.of(2.5))));
		assertThat(new Operation.Put("tasks", "t1", 10, Map.of()).fields()).isEmpty();
	}

	@Test
	void updateNeedsAField() {
		assertThat(new Operation.Update("tasks", "t1", 10, Map.of("a", 1)).fields()).containsEntry("a", 1L);
		assertThatIllegalArgumentException().isThrownBy(() -> new Operation.Update("tasks", "t1", 10, Map.of()))
			.withMessage("update of tasks/t1 sets no field");
	}

	@Test
	void unsetNeedsValidFieldNamesAndCopiesThem() {
		Set<String> names = new LinkedHashSet<>(List.of("b", "a"));
		Operation.Unset unset = new Operation.Unset("tasks", "t1", 10, names);
		names.add("c");
		assertThat(unset.fields()).containsExactly("b", "a");
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> unset.fields().add("x"));
		assertThatIllegalArgumentException().isThrownBy(() -> new Operation.Unset("tasks", "t1", 10, Set.of()))
			.withMessage("unset of tasks/t1 names no field");
		assertThatIllegalArgumentException().isThrownBy(() -> new Operation.Unset("tasks", "t1", 10, null))
			.withMessage("unset of tasks/t1 names no field");
		assertThatIllegalArgumentException().isThrownBy(() -> new Operation.Unset("tasks", "t1", 10, Set.of("a\u0000")))
			.withMessageContaining("control character");
	}

	@Test
	void everyOperationChecksItsKeyAndTimestamp() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Operation.Delete("9bad", "t1", 10))
			.withMessageContaining("invalid collection name '9bad'");
		assertThatIllegalArgumentException().isThrownBy(() -> new Operation.Delete("tasks", "", 10))
			.withMessageContaining("document id");
		assertThatIllegalArgumentException().isThrownBy(() -> new Operation.Delete("tasks", "a\u0001", 10))
			.withMessageContaining("control character");
		assertThatIllegalArgumentException().isThrownBy(() -> new Operation.Delete("tasks", "t1", 0))
			.withMessage("operation timestamp must be > 0, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new Operation.Put("tasks", "t1", -1, Map.of()))
			.withMessage("operation timestamp must be > 0, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> new Operation.Update("tasks", "t1", 0, Map.of("a", 1)))
			.withMessageContaining("timestamp");
		assertThatIllegalArgumentException().isThrownBy(() -> new Operation.Unset("tasks", "t1", 0, Set.of("a")))
			.withMessageContaining("timestamp");
		assertThatIllegalArgumentException().isThrownBy(() -> new Operation.Put("tasks", "t1", 1, null))
			.withMessage("fields must not be null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Operation.Put("tasks", "t1", 1, Map.of("x", Double.NaN)))
			.withMessageContaining("not finite");
	}

	@Test
	void exposesItsKeyAndTimestamp() {
		Operation operation = new Operation.Delete("tasks", "t1", 77);
		assertThat(operation.collection()).isEqualTo("tasks");
		assertThat(operation.id()).isEqualTo("t1");
		assertThat(operation.timestamp()).isEqualTo(77);
	}

}
