package io.syncboot.server;

import java.util.Map;

import io.syncboot.server.SyncPermissions.Access;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Partition rules: placeholders, wildcards, the greatest access wins, literal placeholder values.
 */
class SyncPermissionsTests {

	private final SyncPermissions rules = SyncPermissions.builder()
		.readWrite("user-${sub}")
		.read("catalog")
		.readWrite("team-${claim.team}-*")
		.read("public-*")
		.readWrite("public-drafts")
		.build();

	@Test
	void subjectPlaceholderMatchesOnlyTheUsersOwnPartition() {
		assertThat(this.rules.access("alice", Map.of(), "user-alice")).isEqualTo(Access.READ_WRITE);
		assertThat(this.rules.access("alice", Map.of(), "user-bob")).isEqualTo(Access.NONE);
		assertThat(this.rules.access("alice", Map.of(), "user-alice2")).isEqualTo(Access.NONE);
		assertThat(this.rules.access(null, Map.of(), "user-")).as("anonymous has no subject").isEqualTo(Access.NONE);
	}

	@Test
	void placeholderValuesMatchLiterally() {
		SyncPermissions wildcardUser = SyncPermissions.builder().readWrite("user-${sub}").build();
		assertThat(wildcardUser.access("a*", Map.of(), "user-abc")).isEqualTo(Access.NONE);
		assertThat(wildcardUser.access("a.b", Map.of(), "user-axb")).isEqualTo(Access.NONE);
		assertThat(wildcardUser.access("a.b", Map.of(), "user-a.b")).isEqualTo(Access.READ_WRITE);
		assertThat(wildcardUser.access("a/b", Map.of(), "user-a/b")).as("not a partition name").isEqualTo(Access.NONE);
	}

	@Test
	void claimsAndWildcards() {
		assertThat(this.rules.access("bob", Map.of("team", "red"), "team-red-board")).isEqualTo(Access.READ_WRITE);
		assertThat(this.rules.access("bob", Map.of("team", "red"), "team-blue-board")).isEqualTo(Access.NONE);
		assertThat(this.rules.access("bob", Map.of("team", 7), "team-7-board")).as("not a string").isEqualTo(Access.NONE);
		assertThat(this.rules.access("bob", Map.of(), "team--board")).isEqualTo(Access.NONE);
		assertThat(this.rules.access("bob", Map.of(), "public-news")).isEqualTo(Access.READ);
		assertThat(this.rules.access("bob", Map.of(), "public-")).isEqualTo(Access.READ);
		assertThat(this.rules.access("bob", Map.of(), "public-drafts")).as("the greatest access wins")
			.isEqualTo(Access.READ_WRITE);
		assertThat(this.rules.access(null, Map.of(), "catalog")).isEqualTo(Access.READ);
	}

	@Test
	void noRulesMeansNoAccessAndAllowAllMeansEverything() {
		assertThat(SyncPermissions.builder().build().access("alice", Map.of(), "anything")).isEqualTo(Access.NONE);
		assertThat(SyncPermissions.allowAll().access(null, Map.of(), "anything")).isEqualTo(Access.READ_WRITE);
		assertThat(Access.READ.canRead()).isTrue();
		assertThat(Access.READ.canWrite()).isFalse();
		assertThat(Access.NONE.or(Access.READ)).isEqualTo(Access.READ);
	}

	@Test
	void malformedPatternsAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> SyncPermissions.builder().read(""));
		assertThatIllegalArgumentException().isThrownBy(() -> SyncPermissions.builder().read(null));
		assertThatIllegalArgumentException().isThrownBy(() -> SyncPermissions.builder().read("user-${sub"))
			.withMessageContaining("user-${sub");
		assertThatIllegalArgumentException().isThrownBy(() -> SyncPermissions.builder().read("user-${name}"))
			.withMessageContaining("${name}");
		assertThatIllegalArgumentException().isThrownBy(() -> SyncPermissions.builder().readWrite("a/b"))
			.withMessageContaining("'/'");
	}

}
