package io.syncboot.core.codec;

import java.util.List;
import java.util.Random;

import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.testing.Generators;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A download in the field order the codec writes is read in one streaming pass
 * ({@link DownloadReader}); the same download with {@code type} last goes through the JSON tree.
 * Both must accept, reject and decode exactly the same texts.
 */
class DownloadReaderTests {

	private static final String TYPE_LAST = ",\"type\":\"download\"}";

	private final MessageCodec codec = new MessageCodec();

	private final MessageCodec strict = MessageCodec.rejectingUnknownFields(1 << 20);

	/** The same message with its {@code type} field moved to the end (decoded through the tree). */
	private static String typeLast(String text) {
		assertThat(text).startsWith(DownloadReader.PREFIX);
		return "{" + text.substring(DownloadReader.PREFIX.length(), text.length() - 1) + TYPE_LAST;
	}

	@Test
	void decodesWhatTheTreeDecodes() {
		Random random = new Random(0xD0_57L);
		for (int i = 0; i < 400; i++) {
			SyncMessage.Download download = (SyncMessage.Download) RandomMessages.message(random, 3);
			String text = this.codec.encode(download);
			assertThat(DownloadReader.handles(text)).isTrue();
			SyncMessage.Download streamed = (SyncMessage.Download) this.codec.decode(text);
			SyncMessage.Download tree = (SyncMessage.Download) this.codec.decode(typeLast(text));
			assertThat(streamed).isEqualTo(download).isEqualTo(tree);
			for (int d = 0; d < streamed.documents().size(); d++) {
				DocumentState a = streamed.documents().get(d);
				DocumentState b = tree.documents().get(d);
				assertThat(a.encoding()).isEqualTo(b.encoding()).isNotNull();
			}
			assertThat(this.codec.encode(streamed)).isEqualTo(text);
		}
	}

	@Test
	void rejectsWhatTheTreeRejects() {
		Random random = new Random(0xBAD_D0L);
		String alphabet = "{}[],:\"0-9.eatrunlxfsv \\";
		int failures = 0;
		for (int i = 0; i < 3000; i++) {
			SyncMessage.Download download = new SyncMessage.Download(1 + random.nextInt(5), 40, 4_000, 0, 7,
					List.of(), Generators.documentStates(random, 1 + random.nextInt(3)));
			String text = this.codec.encode(download);
			// change one character after the prefix (not the closing brace), the same in both forms
			int at = DownloadReader.PREFIX.length() + random.nextInt(text.length() - DownloadReader.PREFIX.length() - 1);
			char replacement = alphabet.charAt(random.nextInt(alphabet.length()));
			String mutated = text.substring(0, at) + replacement + text.substring(at + 1);
			for (MessageCodec c : List.of(this.codec, this.strict)) {
				Outcome streamed = Outcome.of(c, mutated);
				Outcome tree = Outcome.of(c, typeLast(mutated));
				assertThat(streamed.code()).as(mutated).isEqualTo(tree.code());
				if (streamed.code() == null) {
					assertThat(streamed.message()).as(mutated).isEqualTo(tree.message());
				}
				else {
					failures++;
				}
			}
		}
		assertThat(failures).isGreaterThan(1000);
	}

	@Test
	void refusesWhatTheProtocolForbids() {
		String base = "{\"type\":\"download\",\"session\":1,\"serverVersion\":2,\"uploadAck\":0,\"remainingBytes\":0,"
				+ "\"changesets\":[],\"documents\":[%s]}";
		String ok = "{\"c\":\"t\",\"id\":\"a\",\"p\":true,\"e\":[5,1],\"r\":[5,1],\"f\":{\"n\":{\"s\":[5,1],\"v\":%s}}}";
		assertThat(((SyncMessage.Download) this.codec.decode(base.formatted(ok.formatted("1"))))
			.documents().get(0).encoding()).isEqualTo(ok.formatted("1"));
		for (String value : List.of("1e999", "123456789012345678901234567890", "[1e400]", "{\"x\":-1e999}")) {
			assertMalformed(base.formatted(ok.formatted(value)), "fit in 64 bits|not finite");
		}
		assertMalformed(base.formatted(ok.formatted("1")) + " {}", "");
		assertMalformed(base.formatted(ok.formatted("1}")), "");
		assertMalformed(base.formatted(ok.formatted("{\"a\":1,\"a\":2}")), "");
		assertMalformed(base.formatted("{\"c\":\"t\",\"id\":\"a\",\"p\":true,\"e\":[5,1],\"r\":[5,1],"
				+ "\"f\":{\"n\":{\"s\":[5,1],\"u\":true,\"v\":1}}}"), "unset and has a value");
		assertMalformed(base.formatted("{\"c\":\"t\",\"id\":\"a\",\"p\":true,\"e\":[5,1],\"r\":[5,1],"
				+ "\"f\":{\"n\":{\"s\":[5,1]}}}"), "missing field 'v'");
		assertMalformed(base.formatted("{\"c\":\"t\",\"id\":\"a\",\"p\":true,\"e\":[5,1,2],\"r\":[5,1],\"f\":{}}"),
				"stamp");
		assertMalformed(base.formatted("{\"c\":\"t\",\"id\":\"a\",\"p\":true,\"r\":[5,1],\"f\":{}}"),
				"missing field 'e'");
		assertMalformed(base.formatted("{\"c\":\"t\",\"id\":\"a\",\"p\":true,\"e\":[0,0],\"r\":[0,0],\"f\":{}}"),
				"present without an existence stamp");
		assertMalformed(base.formatted("[]"), "document must be a JSON object");
		String unknown = "{\"c\":\"t\",\"id\":\"a\",\"p\":false,\"e\":[5,1],\"r\":[5,1],\"f\":{},\"x\":[{}]}";
		assertThat(((SyncMessage.Download) this.codec.decode(base.formatted(unknown))).documents()).hasSize(1);
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> this.strict.decode(base.formatted(unknown)))
			.withMessageContaining("does not define: 'x'");
	}

	@Test
	void aLongRegisterNameDoesNotMakeEveryValuesPathLong() {
		// the register's name is checked after its value: the paths under it must not start with all of it
		StringBuilder value = new StringBuilder("{");
		for (int i = 0; i < 20_000; i++) {
			value.append("\"k").append(i).append("\":1,");
		}
		value.append("\"last\":1e999}");
		String text = "{\"type\":\"download\",\"session\":1,\"serverVersion\":2,\"uploadAck\":0,\"remainingBytes\":0,"
				+ "\"changesets\":[],\"documents\":[{\"c\":\"t\",\"id\":\"a\",\"p\":true,\"e\":[5,1],\"r\":[5,1],"
				+ "\"f\":{\"" + "n".repeat(40_000) + "\":{\"s\":[5,1],\"v\":" + value + "}}}]}";
		MessageCodec large = new MessageCodec(4 * 1024 * 1024);
		for (String message : List.of(text, typeLast(text))) {
			assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> large.decode(message))
				.satisfies(ex -> assertThat(ex.getMessage()).contains("not finite").hasSizeLessThan(400));
		}
	}

	private void assertMalformed(String text, String pattern) {
		assertThatExceptionOfType(ProtocolException.class).as(text).isThrownBy(() -> this.codec.decode(text))
			.matches(ex -> ex.code() == ErrorCode.MALFORMED_MESSAGE, "malformed")
			.satisfies(ex -> assertThat(ex.getMessage()).containsPattern(pattern));
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> this.codec.decode(typeLast(text)))
			.matches(ex -> ex.code() == ErrorCode.MALFORMED_MESSAGE, "malformed");
	}

	/** What decoding one text gave: an error code, or the decoded message. */
	private record Outcome(ErrorCode code, SyncMessage message) {

		static Outcome of(MessageCodec codec, String text) {
			try {
				return new Outcome(null, codec.decode(text));
			}
			catch (ProtocolException ex) {
				return new Outcome(ex.code(), null);
			}
		}

	}

}
