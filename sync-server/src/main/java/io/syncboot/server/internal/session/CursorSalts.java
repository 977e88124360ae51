package io.syncboot.server.internal.session;

import java.util.List;

import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.server.store.HistoryEntry;

/**
 * The salt of a download cursor ({@code serverVersionSalt} of a download,
 * {@code downloadServerVersionSalt} of an ident): a 64-bit identity of the partition's history
 * entry at the cursor's server version. It is derived from the entry alone (its origin client file,
 * its client version, the clock stamps of its first and last operations and their count, and the
 * time the entry was committed), so every server node of a shared database derives the same value
 * from the same row, and needs no column of its own. A history restored from an older copy and then
 * written holds, at every version it wrote again, an entry committed at another time, so its salt
 * differs, also where the changeset is the very one the lost history held there (a writer whose
 * acknowledgement was lost with the restore uploads it again); only a 64-bit hash collision, or a
 * commit stamped with the same millisecond, gives the same salt. Never 0, which means "unknown" on
 * the wire. Stateless and thread-safe.
 */
final class CursorSalts {

	private static final long SEED = 0x5379_6E63_426F_6F74L;

	private CursorSalts() {
	}

	/** The salt of a cursor at this entry's server version. */
	static long of(HistoryEntry entry) {
		return of(entry.changeset(), entry.committedAt());
	}

	/**
	 * The salt of a cursor at this changeset's server version.
	 * @param committedAt the changeset's commit time, as the store recorded it
	 */
	static long of(ServerChangeset changeset, long committedAt) {
		return nonZero(mix(changesetHash(changeset) ^ committedAt));
	}

	/**
	 * The salt a server built before commit times were mixed in gave this changeset's version; an
	 * ident that presents it is accepted as if it presented {@link #of(ServerChangeset, long)}, so
	 * that an upgrade does not reset every client file (the check is then as weak as it was).
	 */
	static long withoutCommitTime(ServerChangeset changeset) {
		return nonZero(changesetHash(changeset));
	}

	private static long changesetHash(ServerChangeset changeset) {
		List<Operation> operations = changeset.operations();
		long hash = mix(SEED ^ changeset.originFileId());
		hash = mix(hash ^ changeset.clientVersion());
		hash = mix(hash ^ operations.get(0).timestamp());
		hash = mix(hash ^ operations.get(operations.size() - 1).timestamp());
		return mix(hash ^ operations.size());
	}

	private static long nonZero(long hash) {
		return (hash != 0) ? hash : 1;
	}

	/** SplitMix64's finalizer: a bijection that spreads every input bit over the result. */
	private static long mix(long value) {
		long z = (value ^ (value >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
		return z ^ (z >>> 31);
	}

}
