package io.syncboot.core.model;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ChangesetTests {

	private static final Operation DELETE = new Operation.Delete("tasks", "t1", 5);

	@Test
	void copiesItsOperations() {
		List<Operation> operations = new ArrayList<>(List.of(DELETE));
		Changeset changeset = new Changeset(1, 0, operations);
		operations.add(DELETE);
		assertThat(changeset.operations()).containsExactly(DELETE);
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> changeset.operations().add(DELETE));
	}

	@Test
	void checksVersionsAndOperations() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Changeset(0, 0, List.of(DELETE)))
			.withMessage("clientVersion must be >= 1, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new Changeset(1, -1, List.of(DELETE)))
			.withMessage("baseServerVersion must be >= 0, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> new Changeset(1, 0, List.of()))
			.withMessage("a changeset needs at least one operation");
		assertThatIllegalArgumentException().isThrownBy(() -> new Changeset(1, 0, null))
			.withMessage("a changeset needs at least one operation");
	}


	@org.junit.jupiter.api.Test
	void rejectsOperationsWhoseTimestampsDoNotIncrease() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Changeset(1, 0, java.util.List.of(new io.syncboot.core.model.Operation.Delete("tasks", "a", 5),
					new io.syncboot.core.model.Operation.Delete("tasks", "b", 5))))
			.withMessageContaining("timestamps must increase");
	}

}
