package io.syncboot.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DocumentKeyTests {

	@Test
	void ordersByCollectionThenId() {
		List<DocumentKey> keys = new ArrayList<>(List.of(new DocumentKey("tasks", "b"), new DocumentKey("notes", "z"),
				new DocumentKey("tasks", "a")));
		Collections.sort(keys);
		assertThat(keys).containsExactly(new DocumentKey("notes", "z"), new DocumentKey("tasks", "a"),
				new DocumentKey("tasks", "b"));
		assertThat(new DocumentKey("tasks", "a")).hasToString("tasks/a");
	}

	@Test
	void checksItsParts() {
		assertThatIllegalArgumentException().isThrownBy(() -> new DocumentKey("a/b", "x"))
			.withMessageContaining("invalid collection name");
		assertThatIllegalArgumentException().isThrownBy(() -> new DocumentKey("tasks", "x\u0000"))
			.withMessageContaining("control character");
		assertThatIllegalArgumentException().isThrownBy(() -> new DocumentKey("tasks", null))
			.withMessage("document id must not be null");
	}

}
