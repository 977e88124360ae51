package io.syncboot.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.syncboot.core.model.Names;
import io.syncboot.server.SyncPermissions.Access;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Partition rules: placeholders, wildcards, the greatest access wins, literal placeholder values,
 * matching in time linear in the partition name.
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
	void aWildcardMatchesAnyRunOfCharactersAndPlaceholdersTheirValueWhereverTheyStand() {
		// every pattern of 1 to 5 symbols among 'a', '-', '*' and ${sub} against every name of 0 to 6
		// characters among 'a' and '-', compared with the regular expression the pattern stands for
		String subject = "-a";
		List<String> patterns = strings(List.of("a", "-", "*", "${sub}"), 5);
		List<String> names = strings(List.of("a", "-"), 6);
		int matched = 0;
		for (String pattern : patterns) {
			if (pattern.isEmpty()) {
				continue;
			}
			SyncPermissions rule = SyncPermissions.builder().read(pattern).build();
			Pattern regex = Pattern.compile(pattern.replace("${sub}", Pattern.quote(subject)).replace("*", ".*"));
			for (String name : names) {
				boolean expected = regex.matcher(name).matches();
				assertThat(rule.access(subject, Map.of(), name))
					.as("pattern '%s' against partition '%s'", pattern, name)
					.isEqualTo(expected ? Access.READ : Access.NONE);
				matched += expected ? 1 : 0;
			}
		}
		assertThat(matched).as("pairs that match").isGreaterThan(1000);
		assertThat(SyncPermissions.builder().read("a*b").build().access(subject, Map.of(), "a\nb"))
			.as("like '.', a wildcard does not match a line terminator (which no partition name has)")
			.isEqualTo(Access.NONE);
	}

	@Test
	void manyWildcardsMatchTheLongestPartitionNameQuickly() {
		// five wildcards in a regular expression backtrack for seconds on such a name, and clients
		// choose the names they bind to
		SyncPermissions archives = SyncPermissions.builder().read("*-*-*-*-*-archive").build();
		String notAnArchive = Names.partition("a-".repeat(Names.MAX_PARTITION_LENGTH / 2 - 1) + "bc");
		String anArchive = Names.partition("a-".repeat(Names.MAX_PARTITION_LENGTH / 2 - 4) + "archive");
		assertThat(notAnArchive).hasSize(Names.MAX_PARTITION_LENGTH);
		assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
			for (int i = 0; i < 10; i++) {
				assertThat(archives.access("alice", Map.of(), notAnArchive)).isEqualTo(Access.NONE);
				assertThat(archives.access("alice", Map.of(), anArchive)).isEqualTo(Access.READ);
			}
		});
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

	/** Every concatenation of 0 to {@code maxLength} of the symbols. */
	private static List<String> strings(List<String> symbols, int maxLength) {
		List<String> all = new ArrayList<>(List.of(""));
		List<String> previous = List.of("");
		for (int length = 1; length <= maxLength; length++) {
			List<String> next = new ArrayList<>();
			for (String prefix : previous) {
				for (String symbol : symbols) {
					next.add(prefix + symbol);
				}
			}
			all.addAll(next);
			previous = next;
		}
		return all;
	}

}
