package io.syncboot.core.model;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ServerChangesetTests {

	private static final Operation DELETE = new Operation.Delete("tasks", "t1", 5);

	@Test
	void copiesItsOperations() {
		List<Operation> operations = new ArrayList<>(List.of(DELETE));
		ServerChangeset changeset = new ServerChangeset(1, 2, 3, operations);
		operations.clear();
		assertThat(changeset.operations()).containsExactly(DELETE);
	}

	@Test
	void checksVersionsFileIdAndOperations() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ServerChangeset(0, 1, 1, List.of(DELETE)))
			.withMessage("serverVersion must be >= 1, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new ServerChangeset(1, 0, 1, List.of(DELETE)))
			.withMessage("originFileId must be >= 1, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new ServerChangeset(1, 1, 0, List.of(DELETE)))
			.withMessage("clientVersion must be >= 1, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new ServerChangeset(1, 1, 1, List.of()))
			.withMessage("a changeset needs at least one operation");
	}

}
