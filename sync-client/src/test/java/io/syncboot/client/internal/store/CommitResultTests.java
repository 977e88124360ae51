package io.syncboot.client.internal.store;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.syncboot.core.model.DocumentKey;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The changed ids of a commit, by collection: collections in first-seen order, ids sorted. */
class CommitResultTests {

	@Test
	void groupsIdsByCollectionInFirstSeenOrderWithIdsSorted() {
		Set<DocumentKey> keys = new LinkedHashSet<>(List.of(new DocumentKey("tasks", "t3"), new DocumentKey("log", "b"),
				new DocumentKey("tasks", "t1"), new DocumentKey("tasks", "t20"), new DocumentKey("log", "a"),
				new DocumentKey("tasks", "t2")));

		Map<String, Set<String>> changes = CommitResult.byCollection(keys);

		assertThat(changes.keySet()).containsExactly("tasks", "log");
		assertThat(changes.get("tasks")).containsExactly("t1", "t2", "t20", "t3");
		assertThat(changes.get("log")).containsExactly("a", "b");
		assertThat(CommitResult.byCollection(Set.of())).isEmpty();
	}

}
