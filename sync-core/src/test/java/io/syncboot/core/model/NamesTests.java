package io.syncboot.core.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class NamesTests {

	@ParameterizedTest
	@ValueSource(strings = { "a", "store-42", "user-alice@example.com", "A.b_c:d@e+f=g|h-i", "0", "x." })
	void acceptsValidPartitions(String partition) {
		assertThat(Names.partition(partition)).isSameAs(partition);
	}

	@Test
	void acceptsPartitionsOfExactly256Characters() {
		String name = "p".repeat(256);
		assertThat(Names.partition(name)).isEqualTo(name);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "..", "a..b", "store..", "/x", "a/b", "../etc", ".hidden", "-x", "_x", "a b", "a\\b",
			"tab\there", "nul\u0000", "bell\u0007", "del\u007f", "ünïcode", "a*", "a?", "a#b", "a%2e" })
	void rejectsInvalidPartitions(String partition) {
		assertThatIllegalArgumentException().isThrownBy(() -> Names.partition(partition))
			.withMessageStartingWith("invalid partition")
			.withMessageContaining("1 to 256 characters");
	}

	@Test
	void rejectsPartitionsOf257Characters() {
		assertThatIllegalArgumentException().isThrownBy(() -> Names.partition("p".repeat(257)))
			.withMessageContaining("invalid partition");
	}

	@Test
	void rejectsNullNames() {
		assertThatIllegalArgumentException().isThrownBy(() -> Names.partition(null))
			.withMessage("partition must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> Names.collection(null))
			.withMessage("collection must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> Names.id(null))
			.withMessage("document id must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> Names.field(null))
			.withMessage("field name must not be null");
	}

	@Test
	void messagesShowControlCharactersEscapedAndLongValuesAbbreviated() {
		assertThatIllegalArgumentException().isThrownBy(() -> Names.partition("bad\u0001name"))
			.withMessageContaining("bad\\u0001name");
		assertThatIllegalArgumentException().isThrownBy(() -> Names.id("line\nbreak"))
			.withMessageContaining("line\\u000abreak")
			.withMessageContaining("index 4");
		assertThatIllegalArgumentException().isThrownBy(() -> Names.partition("p".repeat(300)))
			.withMessageContaining("p".repeat(64) + "...")
			.withMessageNotContaining("p".repeat(65));
	}

	@ParameterizedTest
	@ValueSource(strings = { "tasks", "_meta", "T", "a.b-c_d", "x9" })
	void acceptsValidCollections(String collection) {
		assertThat(Names.collection(collection)).isSameAs(collection);
		assertThat(Names.collection("c".repeat(128))).hasSize(128);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "9tasks", ".tasks", "-tasks", "a b", "a/b", "a:b", "tâches", "a\u0000" })
	void rejectsInvalidCollections(String collection) {
		assertThatIllegalArgumentException().isThrownBy(() -> Names.collection(collection))
			.withMessageStartingWith("invalid collection name");
	}

	@Test
	void acceptsExactlyTheCollectionNamesOfTheRule() {
		java.util.regex.Pattern rule = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
		java.util.Random random = new java.util.Random(0xC011L);
		String alphabet = "aZz_09.-/ :@\u00e2\u0000\u00ff`{[";
		for (int i = 0; i < 20_000; i++) {
			StringBuilder name = new StringBuilder();
			int length = 1 + random.nextInt(6);
			for (int c = 0; c < length; c++) {
				name.append(alphabet.charAt(random.nextInt(alphabet.length())));
			}
			String candidate = name.toString();
			boolean valid;
			try {
				Names.collection(candidate);
				valid = true;
			}
			catch (IllegalArgumentException ex) {
				valid = false;
			}
			assertThat(valid).as(candidate).isEqualTo(rule.matcher(candidate).matches());
		}
	}

	@Test
	void rejectsCollectionsOf129Characters() {
		assertThatIllegalArgumentException().isThrownBy(() -> Names.collection("c".repeat(129)))
			.withMessageContaining("1 to 128 characters");
	}

	@ParameterizedTest
	@ValueSource(strings = { "a", "00000000-0000-0000-0000-000000000000", "with space", "ünï/cödé 😀", "a..b", "/" })
	void acceptsIdsAndFieldsOfAnyPrintableText(String text) {
		assertThat(Names.id(text)).isSameAs(text);
		assertThat(Names.field(text)).isSameAs(text);
	}

	@ParameterizedTest
	@ValueSource(strings = { "\u0000", "a\tb", "a\nb", "a\rb", "\u001f", "\u007f", "\u0085", "\u009f" })
	void rejectsIdsAndFieldsWithControlCharacters(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> Names.id(text))
			.withMessageStartingWith("document id")
			.withMessageContaining("control character");
		assertThatIllegalArgumentException().isThrownBy(() -> Names.field(text))
			.withMessageStartingWith("field name")
			.withMessageContaining("control character");
	}

	@ParameterizedTest
	@ValueSource(strings = { "\ud800", "a\ud83d", "\ude00b", "\ude00\ud83d", "x\ud83d\ud83d\ude00" })
	void rejectsIdsAndFieldsWithUnpairedSurrogatesShowingThemEscaped(String text) {
		// not Unicode text: stored or sent as UTF-8 they would turn into '?' and meet another document's id
		assertThatIllegalArgumentException().isThrownBy(() -> Names.id(text))
			.withMessageStartingWith("document id")
			.withMessageContaining("unpaired UTF-16 surrogate")
			.satisfies(ex -> assertThat(JsonValues.unpairedSurrogate(ex.getMessage())).isEqualTo(-1));
		assertThatIllegalArgumentException().isThrownBy(() -> Names.field(text))
			.withMessageContaining("unpaired UTF-16 surrogate");
	}

	@Test
	void checksIdAndFieldLengths() {
		assertThat(Names.id("i".repeat(512))).hasSize(512);
		assertThatIllegalArgumentException().isThrownBy(() -> Names.id("i".repeat(513)))
			.withMessage("document id must have 1 to 512 characters, was 513");
		assertThatIllegalArgumentException().isThrownBy(() -> Names.id(""))
			.withMessage("document id must have 1 to 512 characters, was 0");
		assertThat(Names.field("f".repeat(256))).hasSize(256);
		assertThatIllegalArgumentException().isThrownBy(() -> Names.field("f".repeat(257)))
			.withMessage("field name must have 1 to 256 characters, was 257");
	}

}
