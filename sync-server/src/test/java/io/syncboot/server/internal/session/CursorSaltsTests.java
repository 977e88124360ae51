package io.syncboot.server.internal.session;

import java.util.List;

import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.server.store.HistoryEntry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The salt of a cursor identifies the history entry at it, commit time included (public for its helper). */
public class CursorSaltsTests {

	private static final ServerChangeset CHANGESET = new ServerChangeset(7, 3, 2,
			List.of(new Operation.Delete("c", "d", 10), new Operation.Delete("c", "e", 11)));

	@Test
	void theSameChangesetCommittedAtAnotherTimeHasAnotherSalt() {
		long salt = CursorSalts.of(CHANGESET, 1_700_000_000_000L);
		assertThat(salt).isNotZero().isEqualTo(CursorSalts.of(new HistoryEntry(CHANGESET, 1_700_000_000_000L)));
		assertThat(CursorSalts.of(CHANGESET, 1_700_000_000_001L)).isNotEqualTo(salt);
		assertThat(CursorSalts.of(new ServerChangeset(7, 3, 3, CHANGESET.operations()), 1_700_000_000_000L))
			.isNotEqualTo(salt);
	}

	@Test
	void theSaltWithoutTheCommitTimeIsTheOneServersSentBeforeItWasMixedIn() {
		// what CursorSalts.of(CHANGESET) returned before the commit time was an input
		assertThat(CursorSalts.withoutCommitTime(CHANGESET)).isEqualTo(2123568809412334329L)
			.isNotEqualTo(CursorSalts.of(CHANGESET, 0));
	}

	/** The salt a server built before commit times were mixed in sent for this changeset's version. */
	public static long saltWithoutCommitTime(ServerChangeset changeset) {
		return CursorSalts.withoutCommitTime(changeset);
	}

}
