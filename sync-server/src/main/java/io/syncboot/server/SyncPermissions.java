package io.syncboot.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Decides what a user may do on a partition: nothing, read, or read and write. The server asks once
 * per bind, with the subject and claims of the connection's token:
 * <ul>
 * <li>{@link Access#NONE}: the bind is refused with {@code PERMISSION_DENIED} (232);</li>
 * <li>{@link Access#READ}: the session downloads, but its uploads are not integrated: the server
 * acknowledges them, reverts them with compensating writes and reports {@code WRITE_REJECTED}
 * (233) naming the documents;</li>
 * <li>{@link Access#READ_WRITE}: everything.</li>
 * </ul>
 *
 * <p>Rules from the {@link #builder()}:
 *
 * <pre>{@code
 * SyncPermissions.builder()
 *         .readWrite("user-${sub}")        // each user's own partition
 *         .read("catalog")                 // everyone reads the catalog
 *         .readWrite("team-${claim.team}") // a string claim of the token
 *         .read("public-*")                // '*' matches any run of characters
 *         .build();
 * }</pre>
 *
 * Or any function, for example {@code (subject, claims, partition) -> ...}. Implementations must be
 * thread-safe and quick (they run on the server's worker threads); an exception fails the connection
 * with an internal error (199), which the client retries.
 */
@FunctionalInterface
public interface SyncPermissions {

	/** What a user may do on a partition. */
	enum Access {

		/** Neither read nor write: the bind is refused. */
		NONE,
		/** Download only: uploads are rejected and reverted. */
		READ,
		/** Download and upload. */
		READ_WRITE;

		/** Whether this access allows reading. */
		public boolean canRead() {
			return this != NONE;
		}

		/** Whether this access allows writing. */
		public boolean canWrite() {
			return this == READ_WRITE;
		}

		/** The greater of two accesses. */
		public Access or(Access other) {
			return (other.ordinal() > ordinal()) ? other : this;
		}

	}

	/**
	 * The access of a user to a partition.
	 * @param subject the token's subject ({@code sub}), or {@code null} for an anonymous connection
	 * (only on a server that allows anonymous connections)
	 * @param claims every claim of the token (empty for an anonymous connection), unmodifiable
	 * @param partition the partition the session binds to (a valid partition name)
	 * @return the access; never {@code null}
	 */
	Access access(@Nullable String subject, Map<String, Object> claims, String partition);

	/** Permissions that let everyone read and write every partition. */
	static SyncPermissions allowAll() {
		return PermissionRules.ALLOW_ALL;
	}

	/** A builder of rules; with no rule, nobody may do anything. */
	static Builder builder() {
		return new Builder();
	}

	/**
	 * Collects partition rules. A pattern is a partition name that may contain {@code ${sub}} (the
	 * token's subject), {@code ${claim.NAME}} (a string claim) and {@code *} (any run of characters,
	 * possibly empty). A placeholder whose value is missing, not a string, or not allowed in a
	 * partition name makes the rule not apply; placeholder values match literally (a {@code *} in a
	 * subject is not a wildcard). A user gets the greatest access of all rules that match. Not
	 * thread-safe; the built permissions are immutable.
	 */
	final class Builder {

		private final List<PermissionRules.Rule> rules = new ArrayList<>();

		private Builder() {
		}

		/**
		 * Partitions matching the pattern may be read and written.
		 * @throws IllegalArgumentException if the pattern is malformed (naming it and the rule)
		 */
		public Builder readWrite(String partitionPattern) {
			this.rules.add(PermissionRules.Rule.parse(partitionPattern, Access.READ_WRITE));
			return this;
		}

		/**
		 * Partitions matching the pattern may be read.
		 * @throws IllegalArgumentException if the pattern is malformed (naming it and the rule)
		 */
		public Builder read(String partitionPattern) {
			this.rules.add(PermissionRules.Rule.parse(partitionPattern, Access.READ));
			return this;
		}

		/** Immutable permissions with the rules added so far. */
		public SyncPermissions build() {
			return new PermissionRules(this.rules);
		}

	}

}
