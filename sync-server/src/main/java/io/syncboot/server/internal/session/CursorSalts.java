package io.syncboot.server.internal.session;

import java.util.List;

import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;

/**
 * The salt of a download cursor ({@code serverVersionSalt} of a download,
 * {@code downloadServerVersionSalt} of an ident): a 64-bit identity of the partition's history
 * entry at the cursor's server version. It is derived from the entry alone (its origin client file,
 * its client version, the clock stamps of its first and last operations and their count), so every
 * server node of a shared database derives the same value from the same row, and needs no column of
 * its own. A history restored from an older copy and then written by other clients holds other
 * changesets at the versions it reused: each has another origin or client version, or, where a
 * client file id or the server's own file was reused, other clock stamps, so its salt differs
 * (except for a 64-bit hash collision). Never 0, which means "unknown" on the wire. Stateless and
 * thread-safe.
 */
final class CursorSalts {

	private static final long SEED = 0x5379_6E63_426F_6F74L;

	private CursorSalts() {
	}

	/** The salt of a cursor at this changeset's server version. */
	static long of(ServerChangeset changeset) {
		List<Operation> operations = changeset.operations();
		long hash = mix(SEED ^ changeset.originFileId());
		hash = mix(hash ^ changeset.clientVersion());
		hash = mix(hash ^ operations.get(0).timestamp());
		hash = mix(hash ^ operations.get(operations.size() - 1).timestamp());
		hash = mix(hash ^ operations.size());
		return (hash != 0) ? hash : 1;
	}

	/** SplitMix64's finalizer: a bijection that spreads every input bit over the result. */
	private static long mix(long value) {
		long z = (value ^ (value >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
		return z ^ (z >>> 31);
	}

}
