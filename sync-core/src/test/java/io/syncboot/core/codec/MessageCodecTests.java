package io.syncboot.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.merge.FieldRegister;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.JsonValues;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.model.Stamp;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.protocol.SyncProtocol;
import io.syncboot.core.testing.Generators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.fail;

class MessageCodecTests {

	private static final long SEED = 0xC0DEC_2026L;

	private final MessageCodec codec = new MessageCodec();

	// ------------------------------------------------------------------ fixtures

	private static Map<String, Object> nestedFields() {
		Map<String, Object> address = new LinkedHashMap<>();
		address.put("street", "Hauptstraße 1");
		address.put("geo", List.of(52.52, 13.405));
		address.put("zip", null);
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("title", "Buy milk \"now\"\n");
		fields.put("count", 3);
		fields.put("big", Long.MIN_VALUE);
		fields.put("price", 2.5);
		fields.put("integralDouble", 3.0);
		fields.put("done", false);
		fields.put("nothing", null);
		fields.put("address", address);
		fields.put("tags", List.of("a", List.of(), Map.of(), List.of(true, 1L, -0.0)));
		return fields;
	}

	private static List<Operation> allOperationKinds() {
		return List.of(new Operation.Put("tasks", "t1", 100, nestedFields()),
				new Operation.Update("tasks", "t1", 101, Map.of("done", true, "emoji", "😀")),
				new Operation.Unset("tasks", "t1", 102, Set.of("price")), new Operation.Delete("notes", "n/1 ü", 103));
	}

	private static DocumentState stateWithEveryKindOfRegister() {
		Map<String, FieldRegister> registers = new LinkedHashMap<>();
		registers.put("title", FieldRegister.set(new Stamp(200, 7), "hello"));
		registers.put("nested", FieldRegister.set(new Stamp(201, 7), JsonValues.normalize(nestedFields())));
		registers.put("nothing", FieldRegister.set(new Stamp(202, 8), null));
		registers.put("gone", FieldRegister.removed(new Stamp(203, 9)));
		return DocumentState.of(new DocumentKey("tasks", "t1"), new Stamp(200, 7), true, new Stamp(200, 7), registers);
	}

	private static DocumentState absentState() {
		return DocumentState.of(new DocumentKey("notes", "n1"), new Stamp(300, 2), false, new Stamp(100, 1),
				Map.of("late", FieldRegister.set(new Stamp(400, 3), List.of(1L))));
	}

	static List<SyncMessage> everyKind() {
		List<SyncMessage> messages = new ArrayList<>();
		messages.add(new SyncMessage.Bind(1, "store-42", true));
		messages.add(new SyncMessage.Bind(Long.MAX_VALUE, "user-alice@example.com", false));
		messages.add(new SyncMessage.Ident(1, 7, -1234567890123L, 0, 0, 0));
		messages.add(new SyncMessage.Ident(2, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE,
				Long.MAX_VALUE));
		messages.add(new SyncMessage.Upload(1, List.of(new Changeset(1, 0, allOperationKinds()),
				new Changeset(2, 5, List.of(new Operation.Delete("tasks", "t2", 104))))));
		messages.add(new SyncMessage.Upload(1, List.of()));
		messages.add(new SyncMessage.Download(1, 12, -5_000_000_000L, 2, 4096,
				List.of(new ServerChangeset(11, 3, 1, allOperationKinds()),
						new ServerChangeset(12, 4, 9, List.of(new Operation.Delete("tasks", "t1", 105)))),
				List.of(stateWithEveryKindOfRegister(), absentState(), new DocumentState(new DocumentKey("_meta", "x")))));
		messages.add(new SyncMessage.Download(1, 0, 0, 0, 0, List.of(), List.of()));
		messages.add(new SyncMessage.Download(2, 9, 77, 0, 0, List.of(), List.of(), 12));
		messages.add(new SyncMessage.Mark(1, 0));
		messages.add(new SyncMessage.Mark(3, Long.MAX_VALUE));
		messages.add(new SyncMessage.Unbind(4));
		messages.add(new SyncMessage.Error(0, ErrorCode.MALFORMED_MESSAGE, "bad message"));
		messages.add(new SyncMessage.Error(2, ErrorCode.WRITE_REJECTED, "reverted \u0000 ✓", true, 1500,
				List.of("tasks/t1", "notes/n/1 ü")));
		messages.add(new SyncMessage.Ping(0));
		messages.add(new SyncMessage.Ping(Long.MIN_VALUE));
		messages.add(new SyncMessage.Pong(1_767_225_600_000L));
		return messages;
	}

	// ------------------------------------------------------------------ sizes

	@Test
	void utf8LengthIsTheLengthOfTheEncodedBytes() {
		Random random = new Random(SEED);
		char[] samples = { 'a', '~', '\u00e9', '\u07ff', '\u0800', '\u20ac', '\uffff', '\ud83d', '\ude00', '\u0000' };
		List<String> texts = new ArrayList<>(List.of("", "plain", "caf\u00e9", "\ud83d\ude00", "\ud83d", "\ude00x",
				"x\ud83d", "\ude00\ud83d"));
		for (int n = 0; n < 2000; n++) {
			StringBuilder text = new StringBuilder();
			int length = random.nextInt(12);
			for (int i = 0; i < length; i++) {
				text.append(samples[random.nextInt(samples.length)]);
			}
			texts.add(text.toString());
		}
		for (String text : texts) {
			assertThat(MessageCodec.utf8Length(text)).as("utf8Length of %s", text.chars().boxed().toList())
				.isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
		}
	}

	// ------------------------------------------------------------------ round trips

	@Test
	void roundTripsEveryMessageKind() {
		for (SyncMessage message : everyKind()) {
			String text = this.codec.encode(message);
			assertThat(this.codec.decode(text)).as("decode(encode(%s)) from %s", message, text).isEqualTo(message);
			assertThat(this.codec.encode(this.codec.decode(text))).isEqualTo(text);
		}
		assertThat(everyKind()).extracting(message -> message.getClass().getSimpleName())
			.containsAll(List.of("Bind", "Ident", "Upload", "Download", "Mark", "Unbind", "Error", "Ping", "Pong"));
	}

	@Test
	void roundTripsRandomMessages() {
		Random random = new Random(SEED);
		for (int i = 0; i < 1500; i++) {
			SyncMessage message = RandomMessages.message(random, i % 9);
			String text = this.codec.encode(message);
			SyncMessage decoded;
			try {
				decoded = this.codec.decode(text);
			}
			catch (RuntimeException ex) {
				throw new AssertionError("seed=" + SEED + " message " + i + " failed to decode: " + text, ex);
			}
			assertThat(decoded).as("seed=%d message %d: %s", SEED, i, text).isEqualTo(message);
		}
	}

	@Test
	void writesTheDocumentedWireFormat() {
		assertThat(this.codec.encode(new SyncMessage.Bind(1, "store-42", true)))
			.isEqualTo("{\"type\":\"bind\",\"session\":1,\"partition\":\"store-42\",\"needClientFileId\":true}");
		assertThat(this.codec.encode(new SyncMessage.Ident(1, 7, 11, 4, 17, 13))).isEqualTo(
				"{\"type\":\"ident\",\"session\":1,\"clientFileId\":7,\"fileSalt\":11,\"downloadServerVersion\":4,"
						+ "\"downloadServerVersionSalt\":17,\"serverSalt\":13}");
		assertThat(this.codec.encode(new SyncMessage.Mark(1, 5)))
			.isEqualTo("{\"type\":\"mark\",\"session\":1,\"requestId\":5}");
		assertThat(this.codec.encode(new SyncMessage.Unbind(1))).isEqualTo("{\"type\":\"unbind\",\"session\":1}");
		assertThat(this.codec.encode(new SyncMessage.Ping(42))).isEqualTo("{\"type\":\"ping\",\"timestamp\":42}");
		assertThat(this.codec.encode(new SyncMessage.Pong(42))).isEqualTo("{\"type\":\"pong\",\"timestamp\":42}");
		assertThat(this.codec.encode(new SyncMessage.Error(0, ErrorCode.MALFORMED_MESSAGE, "bad"))).isEqualTo(
				"{\"type\":\"error\",\"session\":0,\"code\":101,\"action\":\"PROTOCOL_VIOLATION\",\"message\":\"bad\","
						+ "\"tryAgain\":false,\"backoffMillis\":0,\"documents\":[]}");
		assertThat(this.codec.encode(new SyncMessage.Upload(1, List.of(new Changeset(1, 0, List.of(
				new Operation.Put("tasks", "t1", 9, Map.of("a", 1)), new Operation.Update("tasks", "t1", 10, Map.of("b", 2.5)),
				new Operation.Unset("tasks", "t1", 11, Set.of("a")), new Operation.Delete("tasks", "t1", 12)))))))
			.isEqualTo("{\"type\":\"upload\",\"session\":1,\"changesets\":[{\"clientVersion\":1,\"baseServerVersion\":0,\"ops\":["
					+ "{\"op\":\"put\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":9,\"f\":{\"a\":1}},"
					+ "{\"op\":\"update\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":10,\"f\":{\"b\":2.5}},"
					+ "{\"op\":\"unset\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":11,\"f\":[\"a\"]},"
					+ "{\"op\":\"delete\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":12}]}]}");
		Map<String, FieldRegister> registers = new LinkedHashMap<>();
		registers.put("a", FieldRegister.set(new Stamp(5, 1), 1L));
		registers.put("b", FieldRegister.removed(new Stamp(6, 2)));
		DocumentState state = DocumentState.of(new DocumentKey("tasks", "t1"), new Stamp(5, 1), true, new Stamp(5, 1),
				registers);
		assertThat(this.codec.encodeDocumentState(state)).isEqualTo("{\"c\":\"tasks\",\"id\":\"t1\",\"p\":true,"
				+ "\"e\":[5,1],\"r\":[5,1],\"f\":{\"a\":{\"s\":[5,1],\"v\":1},\"b\":{\"s\":[6,2],\"u\":true}}}");
		assertThat(this.codec.encode(new SyncMessage.Download(1, 3, 19, 2, 0,
				List.of(new ServerChangeset(3, 7, 2, List.of(new Operation.Delete("tasks", "t1", 12)))), List.of(state))))
			.isEqualTo("{\"type\":\"download\",\"session\":1,\"serverVersion\":3,\"serverVersionSalt\":19,\"uploadAck\":2,\"remainingBytes\":0,"
					+ "\"changesets\":[{\"serverVersion\":3,\"originFileId\":7,\"clientVersion\":2,\"ops\":["
					+ "{\"op\":\"delete\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":12}]}],\"documents\":["
					+ this.codec.encodeDocumentState(state) + "]}");
	}

	@Test
	void writesDownloadsWithManyDocumentsAsCompactJsonWithEveryStateInOrder() {
		JsonMapper plain = JsonMapper.builder().build();
		Random random = new Random(SEED + 11);
		for (int i = 0; i < 300; i++) {
			List<DocumentState> states = new ArrayList<>();
			for (int j = 0, n = 1 + random.nextInt(5); j < n; j++) {
				DocumentState state = (j % 2 == 0) ? stateWithEveryKindOfRegister() : absentState();
				if (random.nextBoolean()) {
					// remembered text, as a store hands it over
					state = this.codec.decodeDocumentState(this.codec.encodeDocumentState(state));
				}
				states.add(state);
			}
			SyncMessage.Download download = (SyncMessage.Download) RandomMessages.message(random, 3);
			download = new SyncMessage.Download(download.session(), download.serverVersion(),
					download.serverVersionSalt(), download.uploadAck(),
					download.remainingBytes(), download.changesets(), states);
			String text = this.codec.encode(download);
			// what a generator writes for the same tree: no whitespace, fields and states in order
			assertThat(text).as("round %d", i).isEqualTo(plain.writeValueAsString(plain.readTree(text)));
			assertThat(this.codec.decode(text)).as("round %d", i).isEqualTo(download);
		}
	}

	@Test
	void readsFieldsInAnyOrderWithWhitespaceAndOptionalErrorFields() {
		assertThat(this.codec.decode(" {\n \"session\" : 3 ,\"needClientFileId\":false, \"partition\":\"p\",\"type\":\"bind\"}\t"))
			.isEqualTo(new SyncMessage.Bind(3, "p", false));
		assertThat(this.codec.decode("{\"type\":\"error\",\"session\":0,\"code\":105,\"message\":\"bye\",\"tryAgain\":true}"))
			.isEqualTo(new SyncMessage.Error(0, ErrorCode.SERVER_SHUTTING_DOWN, "bye", true, 0, List.of()));
		// unknown fields are ignored, for forward compatibility
		assertThat(this.codec.decode("{\"type\":\"ping\",\"timestamp\":1,\"future\":{\"x\":[1,2]}}"))
			.isEqualTo(new SyncMessage.Ping(1));
	}

	@Test
	void readsTheCursorSaltsAsUnknownWhenAnEarlierPeerDoesNotSendThem() {
		MessageCodec strict = MessageCodec.rejectingUnknownFields(SyncProtocol.DEFAULT_MAX_MESSAGE_BYTES);
		String ident = "{\"type\":\"ident\",\"session\":1,\"clientFileId\":7,\"fileSalt\":11,\"downloadServerVersion\":4,"
				+ "\"serverSalt\":13}";
		assertThat(strict.decode(ident)).isEqualTo(new SyncMessage.Ident(1, 7, 11, 4, 0, 13));
		assertThat(this.codec.decode(ident)).isEqualTo(new SyncMessage.Ident(1, 7, 11, 4, 0, 13));
		// streamed (the order the codec writes) and as a tree (any other order)
		String streamed = download(4, "[]", "[]");
		String tree = "{\"session\":1,\"type\":\"download\",\"serverVersion\":4,\"uploadAck\":0,\"remainingBytes\":0,"
				+ "\"changesets\":[],\"documents\":[]}";
		SyncMessage.Download expected = new SyncMessage.Download(1, 4, 0, 0, 0, List.of(), List.of());
		for (String text : List.of(streamed, tree)) {
			assertThat(this.codec.decode(text)).as(text).isEqualTo(expected);
			assertThat(strict.decode(text)).as(text).isEqualTo(expected);
		}
		assertThat(this.codec.decode(tree.replace("\"serverVersion\":4,", "\"serverVersion\":4,\"serverVersionSalt\":-8,")))
			.isEqualTo(new SyncMessage.Download(1, 4, -8, 0, 0, List.of(), List.of()));
	}

	@Test
	void anUnknownCursorSaltIsLeftOutSoAPeerThatPredatesSaltsAcceptsTheMessage() {
		// what a server built before cursor salts accepts: exactly the fields it knew
		Set<String> earlierIdent = Set.of("type", "session", "clientFileId", "fileSalt", "downloadServerVersion",
				"serverSalt");
		Set<String> earlierDownload = Set.of("type", "session", "serverVersion", "uploadAck", "remainingBytes",
				"changesets", "documents");
		assertThat(fieldNames(this.codec.encode(new SyncMessage.Ident(1, 7, 11, 4, 0, 13)))).isEqualTo(earlierIdent);
		assertThat(fieldNames(this.codec.encode(new SyncMessage.Download(1, 4, 0, 0, 0, List.of(), List.of()))))
			.isEqualTo(earlierDownload);
		assertThat(fieldNames(this.codec.encode(new SyncMessage.Ident(1, 7, 11, 4, 5, 13))))
			.contains("downloadServerVersionSalt");
	}

	private static Set<String> fieldNames(String json) {
		Set<String> names = new java.util.TreeSet<>();
		tools.jackson.databind.json.JsonMapper.builder().build().readTree(json).propertyNames().forEach(names::add);
		return names;
	}

	@Test
	void aCodecRejectingUnknownFieldsStillReadsEveryMessageItWrites() {
		MessageCodec strict = MessageCodec.rejectingUnknownFields(SyncProtocol.DEFAULT_MAX_MESSAGE_BYTES);
		assertThat(strict.rejectsUnknownFields()).isTrue();
		assertThat(this.codec.rejectsUnknownFields()).isFalse();
		for (SyncMessage message : everyKind()) {
			assertThat(strict.decode(strict.encode(message))).isEqualTo(message);
		}
		Random random = new Random(SEED + 7);
		for (int i = 0; i < 900; i++) {
			SyncMessage message = RandomMessages.message(random, i % 9);
			assertThat(strict.decode(strict.encode(message))).as("seed=%d round %d", SEED + 7, i).isEqualTo(message);
		}
		assertThat(strict.decode("{\"type\":\"error\",\"session\":0,\"code\":105,\"message\":\"bye\",\"tryAgain\":true}"))
			.as("optional error fields stay optional")
			.isEqualTo(new SyncMessage.Error(0, ErrorCode.SERVER_SHUTTING_DOWN, "bye", true, 0, List.of()));
	}

	static Stream<Arguments> unknownFields() {
		String op = "{\"op\":\"put\",\"c\":\"t\",\"id\":\"a\",\"ts\":1,\"f\":{\"x\":1}}";
		return Stream.of(
				Arguments.of("upload claiming a client file", "{\"type\":\"upload\",\"session\":1,\"clientFileId\":7,"
						+ "\"changesets\":[{\"clientVersion\":1,\"baseServerVersion\":0,\"ops\":[" + op + "]}]}"),
				Arguments.of("changeset claiming an origin", "{\"type\":\"upload\",\"session\":1,\"changesets\":["
						+ "{\"clientVersion\":1,\"baseServerVersion\":0,\"originFileId\":7,\"ops\":[" + op + "]}]}"),
				Arguments.of("operation claiming a file", "{\"type\":\"upload\",\"session\":1,\"changesets\":["
						+ "{\"clientVersion\":1,\"baseServerVersion\":0,\"ops\":[{\"op\":\"delete\",\"c\":\"t\","
						+ "\"id\":\"a\",\"ts\":1,\"fileId\":7}]}]}"),
				Arguments.of("delete with fields", "{\"type\":\"upload\",\"session\":1,\"changesets\":["
						+ "{\"clientVersion\":1,\"baseServerVersion\":0,\"ops\":[{\"op\":\"delete\",\"c\":\"t\","
						+ "\"id\":\"a\",\"ts\":1,\"f\":{}}]}]}"),
				Arguments.of("bind with an owner", "{\"type\":\"bind\",\"session\":1,\"partition\":\"p\","
						+ "\"needClientFileId\":true,\"user\":\"alice\"}"),
				Arguments.of("ident with a user", "{\"type\":\"ident\",\"session\":1,\"clientFileId\":7,\"fileSalt\":1,"
						+ "\"downloadServerVersion\":0,\"serverSalt\":0,\"owner\":\"alice\"}"),
				Arguments.of("future field in a ping", "{\"type\":\"ping\",\"timestamp\":1,\"future\":{\"x\":[1,2]}}"),
				Arguments.of("document state with a writer", "{\"type\":\"download\",\"session\":1,\"serverVersion\":0,"
						+ "\"uploadAck\":0,\"remainingBytes\":0,\"changesets\":[],\"documents\":[{\"c\":\"t\",\"id\":\"a\","
						+ "\"p\":true,\"e\":[1,1],\"r\":[1,1],\"f\":{\"x\":{\"s\":[1,1],\"v\":1,\"w\":7}}}]}"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("unknownFields")
	void aCodecRejectingUnknownFieldsRefusesEveryFieldTheProtocolDoesNotDefine(String name, String text) {
		MessageCodec strict = MessageCodec.rejectingUnknownFields(SyncProtocol.DEFAULT_MAX_MESSAGE_BYTES);
		assertRejected(ErrorCode.MALFORMED_MESSAGE, () -> strict.decode(text));
		assertThat(this.codec.decode(text)).as("the default codec ignores them").isNotNull();
	}

	@Test
	void roundTripsDocumentStates() {
		assertThat(this.codec.decodeDocumentState(this.codec.encodeDocumentState(stateWithEveryKindOfRegister())))
			.isEqualTo(stateWithEveryKindOfRegister());
		assertThat(this.codec.decodeDocumentState(this.codec.encodeDocumentState(absentState()))).isEqualTo(absentState());
		DocumentState empty = new DocumentState(new DocumentKey("tasks", "never"));
		assertThat(this.codec.decodeDocumentState(this.codec.encodeDocumentState(empty))).isEqualTo(empty);
		Random random = new Random(SEED + 1);
		for (int i = 0; i < 200; i++) {
			for (DocumentState state : Generators.documentStates(random, 1 + random.nextInt(15))) {
				String text = this.codec.encodeDocumentState(state);
				assertThat(this.codec.decodeDocumentState(text)).as("seed=%d round %d: %s", SEED + 1, i, text)
					.isEqualTo(state);
			}
		}
	}

	@Test
	void roundTripsOperationsAndFields() {
		assertThat(this.codec.decodeOperations(this.codec.encodeOperations(allOperationKinds())))
			.isEqualTo(allOperationKinds());
		Map<String, Object> fields = new Operation.Put("tasks", "t1", 1, nestedFields()).fields();
		assertThat(this.codec.decodeFields(this.codec.encodeFields(fields))).isEqualTo(fields);
		assertThat(this.codec.decodeFields("{}")).isEmpty();
		assertRejected(ErrorCode.MALFORMED_MESSAGE, () -> this.codec.decodeFields("[1]"));
		assertRejected(ErrorCode.MALFORMED_MESSAGE, () -> this.codec.decodeFields("{\"a\":"));
		assertRejected(ErrorCode.MALFORMED_MESSAGE, () -> this.codec.decodeOperations("{\"op\":\"delete\"}"));
		assertRejected(ErrorCode.MALFORMED_MESSAGE, () -> this.codec.decodeOperations("[{\"op\":\"delete\",\"c\":\"9\",\"id\":\"x\",\"ts\":1}]"));
		assertRejected(ErrorCode.MALFORMED_MESSAGE, () -> this.codec.decodeDocumentState("{\"c\":\"tasks\"}"));
		assertRejected(ErrorCode.MALFORMED_MESSAGE, () -> this.codec.decodeDocumentState("[]"));
	}

	@Test
	void keepsNumberTypesAcrossTheWire() {
		Map<String, Object> fields = new Operation.Put("tasks", "t1", 1,
				Map.of("long", 3L, "double", 3.0, "tiny", Double.MIN_VALUE, "huge", -Double.MAX_VALUE, "negZero", -0.0))
			.fields();
		Map<String, Object> decoded = this.codec.decodeFields(this.codec.encodeFields(fields));
		assertThat(decoded.get("long")).isInstanceOf(Long.class);
		assertThat(decoded.get("double")).isInstanceOf(Double.class).isEqualTo(3.0);
		assertThat(decoded).isEqualTo(fields);
	}

	// ------------------------------------------------------------------ rejections

	private static void assertRejected(ErrorCode code, Runnable decode) {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(decode::run)
			.satisfies(ex -> assertThat(ex.code()).as("code of %s", ex).isEqualTo(code))
			.satisfies(ex -> assertThat(ex.getMessage()).isNotBlank());
	}

	@Test
	void rejectsEveryTruncation() {
		Random random = new Random(SEED + 2);
		List<String> texts = new ArrayList<>();
		everyKind().forEach(message -> texts.add(this.codec.encode(message)));
		for (int i = 0; i < 30; i++) {
			texts.add(this.codec.encode(RandomMessages.message(random, i % 9)));
		}
		int prefixes = 0;
		for (String text : texts) {
			for (int length = 0; length < text.length(); length++) {
				String prefix = text.substring(0, length);
				try {
					SyncMessage decoded = this.codec.decode(prefix);
					fail("prefix of length %d of %s decoded as %s", length, text, decoded);
				}
				catch (ProtocolException ex) {
					assertThat(ex.code()).as("prefix %s", prefix).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
				}
				catch (RuntimeException ex) {
					throw new AssertionError("prefix of length " + length + " of " + text + " threw " + ex, ex);
				}
				prefixes++;
			}
		}
		assertThat(prefixes).isGreaterThan(10_000);
	}

	static Stream<Arguments> malformedMessages() {
		String op = "{\"op\":\"put\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":5,\"f\":{\"a\":1}}";
		String state = "{\"c\":\"tasks\",\"id\":\"t1\",\"p\":true,\"e\":[5,1],\"r\":[5,1],\"f\":{\"a\":{\"s\":[5,1],\"v\":1}}}";
		ErrorCode m = ErrorCode.MALFORMED_MESSAGE;
		return Stream.of(
				// not a JSON object
				Arguments.of("empty", "", m), Arguments.of("blank", " \n\t", m), Arguments.of("null", "null", m),
				Arguments.of("number", "42", m), Arguments.of("string", "\"ping\"", m), Arguments.of("true", "true", m),
				Arguments.of("array instead of object", "[{\"type\":\"ping\",\"timestamp\":1}]", m),
				Arguments.of("empty object", "{}", m), Arguments.of("unclosed", "{", m), Arguments.of("mismatched", "{]", m),
				Arguments.of("single quotes", "{'type':'ping','timestamp':1}", m),
				Arguments.of("unquoted names", "{type:\"ping\",timestamp:1}", m),
				Arguments.of("comment", "{\"type\":\"ping\",/* hi */\"timestamp\":1}", m),
				Arguments.of("trailing comma", "{\"type\":\"ping\",\"timestamp\":1,}", m),
				Arguments.of("raw control character in string", "{\"type\":\"error\",\"session\":0,\"code\":101,\"message\":\"a\u0001b\",\"tryAgain\":false}", m),
				Arguments.of("bad escape", "{\"type\":\"pi\\qng\",\"timestamp\":1}", m),
				// trailing garbage
				Arguments.of("trailing garbage", "{\"type\":\"ping\",\"timestamp\":1} x", m),
				Arguments.of("two messages", "{\"type\":\"ping\",\"timestamp\":1}{\"type\":\"ping\",\"timestamp\":2}", m),
				Arguments.of("trailing bracket", "{\"type\":\"ping\",\"timestamp\":1}]", m),
				Arguments.of("trailing number", "{\"type\":\"ping\",\"timestamp\":1}1", m),
				// duplicate keys
				Arguments.of("duplicate key", "{\"type\":\"ping\",\"timestamp\":1,\"timestamp\":2}", m),
				Arguments.of("duplicate type", "{\"type\":\"ping\",\"type\":\"pong\",\"timestamp\":1}", m),
				Arguments.of("duplicate field in op", upload("{\"op\":\"put\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":5,\"f\":{\"a\":1,\"a\":2}}"), m),
				// type
				Arguments.of("missing type", "{\"timestamp\":1}", m), Arguments.of("unknown type", "{\"type\":\"hello\",\"session\":1}", m),
				Arguments.of("type in upper case", "{\"type\":\"PING\",\"timestamp\":1}", m),
				Arguments.of("numeric type", "{\"type\":1,\"timestamp\":1}", m),
				Arguments.of("null type", "{\"type\":null,\"timestamp\":1}", m),
				// mistyped numbers
				Arguments.of("string for number", "{\"type\":\"mark\",\"session\":\"1\",\"requestId\":1}", m),
				Arguments.of("float for long", "{\"type\":\"mark\",\"session\":1.0,\"requestId\":1}", m),
				Arguments.of("fraction for long", "{\"type\":\"ping\",\"timestamp\":1.5}", m),
				Arguments.of("exponent for long", "{\"type\":\"ping\",\"timestamp\":1e3}", m),
				Arguments.of("boolean for long", "{\"type\":\"ping\",\"timestamp\":true}", m),
				Arguments.of("null for long", "{\"type\":\"ping\",\"timestamp\":null}", m),
				Arguments.of("array for long", "{\"type\":\"ping\",\"timestamp\":[1]}", m),
				Arguments.of("leading zero", "{\"type\":\"ping\",\"timestamp\":01}", m),
				Arguments.of("plus sign", "{\"type\":\"ping\",\"timestamp\":+1}", m),
				Arguments.of("NaN", "{\"type\":\"ping\",\"timestamp\":NaN}", m),
				Arguments.of("hex", "{\"type\":\"ping\",\"timestamp\":0x10}", m),
				Arguments.of("2^63", "{\"type\":\"ping\",\"timestamp\":9223372036854775808}", m),
				Arguments.of("-2^63-1", "{\"type\":\"pong\",\"timestamp\":-9223372036854775809}", m),
				Arguments.of("huge integer", "{\"type\":\"ping\",\"timestamp\":" + "9".repeat(200) + "}", m),
				Arguments.of("huge integer in a value", upload("{\"op\":\"put\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":5,\"f\":{\"a\":18446744073709551616}}"), m),
				Arguments.of("infinite double in a value", upload("{\"op\":\"put\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":5,\"f\":{\"a\":1e400}}"), m),
				Arguments.of("infinite double in a state", download(0, "[]", "[" + state.replace("\"v\":1", "\"v\":-1e999") + "]"), m),
				// mistyped booleans and strings
				Arguments.of("string for boolean", "{\"type\":\"bind\",\"session\":1,\"partition\":\"p\",\"needClientFileId\":\"true\"}", m),
				Arguments.of("number for boolean", "{\"type\":\"bind\",\"session\":1,\"partition\":\"p\",\"needClientFileId\":1}", m),
				Arguments.of("number for partition", "{\"type\":\"bind\",\"session\":1,\"partition\":5,\"needClientFileId\":true}", m),
				// missing fields
				Arguments.of("bind without partition", "{\"type\":\"bind\",\"session\":1,\"needClientFileId\":true}", m),
				Arguments.of("bind without flag", "{\"type\":\"bind\",\"session\":1,\"partition\":\"p\"}", m),
				Arguments.of("ident without serverSalt", "{\"type\":\"ident\",\"session\":1,\"clientFileId\":1,\"fileSalt\":1,\"downloadServerVersion\":0}", m),
				Arguments.of("upload without changesets", "{\"type\":\"upload\",\"session\":1}", m),
				Arguments.of("upload without session", "{\"type\":\"upload\",\"changesets\":[]}", m),
				Arguments.of("download without documents", "{\"type\":\"download\",\"session\":1,\"serverVersion\":0,\"uploadAck\":0,\"remainingBytes\":0,\"changesets\":[]}", m),
				Arguments.of("mark without requestId", "{\"type\":\"mark\",\"session\":1}", m),
				Arguments.of("ping without timestamp", "{\"type\":\"ping\"}", m),
				Arguments.of("error without message", "{\"type\":\"error\",\"session\":0,\"code\":101,\"tryAgain\":false}", m),
				Arguments.of("error without tryAgain", "{\"type\":\"error\",\"session\":0,\"code\":101,\"message\":\"x\"}", m),
				Arguments.of("op without ts", upload("{\"op\":\"delete\",\"c\":\"tasks\",\"id\":\"t1\"}"), m),
				Arguments.of("op without id", upload("{\"op\":\"delete\",\"c\":\"tasks\",\"ts\":1}"), m),
				Arguments.of("put without fields", upload("{\"op\":\"put\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":1}"), m),
				Arguments.of("changeset without ops", "{\"type\":\"upload\",\"session\":1,\"changesets\":[{\"clientVersion\":1,\"baseServerVersion\":0}]}", m),
				Arguments.of("state without existence", download(0, "[]", "[" + state.replace("\"e\":[5,1],", "") + "]"), m),
				Arguments.of("register without stamp", download(0, "[]", "[" + state.replace("\"s\":[5,1],", "") + "]"), m),
				Arguments.of("register without value", download(0, "[]", "[" + state.replace(",\"v\":1", "") + "]"), m),
				// wrong structure
				Arguments.of("changesets as object", "{\"type\":\"upload\",\"session\":1,\"changesets\":{}}", m),
				Arguments.of("changeset as array", "{\"type\":\"upload\",\"session\":1,\"changesets\":[[]]}", m),
				Arguments.of("ops as object", "{\"type\":\"upload\",\"session\":1,\"changesets\":[{\"clientVersion\":1,\"baseServerVersion\":0,\"ops\":{}}]}", m),
				Arguments.of("op as array", upload("[\"put\"]"), m),
				Arguments.of("op as string", upload("\"put\""), m),
				Arguments.of("put fields as array", upload("{\"op\":\"put\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":5,\"f\":[\"a\"]}"), m),
				Arguments.of("unset fields as object", upload("{\"op\":\"unset\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":5,\"f\":{\"a\":1}}"), m),
				Arguments.of("unset field name as number", upload("{\"op\":\"unset\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":5,\"f\":[1]}"), m),
				Arguments.of("unset of no field", upload("{\"op\":\"unset\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":5,\"f\":[]}"), m),
				Arguments.of("update of no field", upload("{\"op\":\"update\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":5,\"f\":{}}"), m),
				Arguments.of("unknown op", upload("{\"op\":\"move\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":5}"), m),
				Arguments.of("op kind as number", upload("{\"op\":1,\"c\":\"tasks\",\"id\":\"t1\",\"ts\":5}"), m),
				Arguments.of("documents as object", download(0, "[]", "{}"), m),
				Arguments.of("document as array", download(0, "[]", "[[]]"), m),
				Arguments.of("state fields as array", download(0, "[]", "[" + state.replace("\"f\":{\"a\":{\"s\":[5,1],\"v\":1}}", "\"f\":[]") + "]"), m),
				Arguments.of("register as number", download(0, "[]", "[" + state.replace("{\"s\":[5,1],\"v\":1}", "1") + "]"), m),
				Arguments.of("error documents as string", "{\"type\":\"error\",\"session\":0,\"code\":101,\"message\":\"x\",\"tryAgain\":false,\"documents\":\"t\"}", m),
				Arguments.of("error document as number", "{\"type\":\"error\",\"session\":0,\"code\":101,\"message\":\"x\",\"tryAgain\":false,\"documents\":[1]}", m),
				// stamps
				Arguments.of("short stamp", download(0, "[]", "[" + state.replace("\"e\":[5,1]", "\"e\":[5]") + "]"), m),
				Arguments.of("long stamp", download(0, "[]", "[" + state.replace("\"e\":[5,1]", "\"e\":[5,1,0]") + "]"), m),
				Arguments.of("stamp as object", download(0, "[]", "[" + state.replace("\"e\":[5,1]", "\"e\":{\"ts\":5}") + "]"), m),
				Arguments.of("stamp with string", download(0, "[]", "[" + state.replace("\"e\":[5,1]", "\"e\":[5,\"1\"]") + "]"), m),
				Arguments.of("stamp with fraction", download(0, "[]", "[" + state.replace("\"e\":[5,1]", "\"e\":[5.5,1]") + "]"), m),
				Arguments.of("negative stamp", download(0, "[]", "[" + state.replace("\"e\":[5,1]", "\"e\":[-5,1]") + "]"), m),
				Arguments.of("negative file id in a stamp", download(0, "[]", "[" + state.replace("\"s\":[5,1]", "\"s\":[5,-1]") + "]"), m),
				// broken rules inside the content
				Arguments.of("register older than the put", download(0, "[]", "[" + state.replace("\"s\":[5,1]", "\"s\":[4,1]") + "]"), m),
				Arguments.of("present without existence", download(0, "[]", "[" + state.replace("\"e\":[5,1],\"r\":[5,1]", "\"e\":[0,0],\"r\":[0,0]") + "]"), m),
				Arguments.of("empty field name in a state", download(0, "[]", "[" + state.replace("{\"a\":{", "{\"\":{") + "]"), m),
				Arguments.of("unset flag mistyped", download(0, "[]", "[" + state.replace("\"v\":1", "\"u\":\"yes\"") + "]"), m),
				Arguments.of("unset register with a value", download(0, "[]", "[" + state.replace("\"v\":1", "\"u\":true,\"v\":1") + "]"), m),
				Arguments.of("bad collection", upload(op.replace("\"tasks\"", "\"9tasks\"")), m),
				Arguments.of("id with control character", upload(op.replace("\"t1\"", "\"t\\u0001\"")), m),
				Arguments.of("empty id", upload(op.replace("\"t1\"", "\"\"")), m),
				Arguments.of("field name with control character", upload(op.replace("{\"a\":1}", "{\"a\\n\":1}")), m),
				// unpaired UTF-16 surrogates: not Unicode, no UTF-8 form (stored or sent, they would become '?')
				Arguments.of("id with a lone high surrogate", upload(op.replace("\"t1\"", "\"t\\ud800\"")), m),
				Arguments.of("id with a lone low surrogate", upload(op.replace("\"t1\"", "\"\\udc00t\"")), m),
				Arguments.of("field name with a lone surrogate", upload(op.replace("{\"a\":1}", "{\"a\\ud83d\":1}")), m),
				Arguments.of("string value with a lone surrogate", upload(op.replace("{\"a\":1}", "{\"a\":\"x\\ud83dy\"}")), m),
				Arguments.of("nested key with a lone surrogate", upload(op.replace("{\"a\":1}", "{\"a\":{\"\\ude00\":1}}")), m),
				Arguments.of("string in a list with swapped surrogates", upload(op.replace("{\"a\":1}", "{\"a\":[\"\\ude00\\ud83d\"]}")), m),
				Arguments.of("state value with a lone surrogate", download(0, "[]", "[" + state.replace("\"v\":1", "\"v\":\"\\ud800\"") + "]"), m),
				Arguments.of("zero timestamp", upload(op.replace("\"ts\":5", "\"ts\":0")), m),
				Arguments.of("negative timestamp", upload(op.replace("\"ts\":5", "\"ts\":-5")), m),
				Arguments.of("session 0", "{\"type\":\"unbind\",\"session\":0}", m),
				Arguments.of("negative session", "{\"type\":\"unbind\",\"session\":-1}", m),
				Arguments.of("clientFileId 0", "{\"type\":\"ident\",\"session\":1,\"clientFileId\":0,\"fileSalt\":1,\"downloadServerVersion\":0,\"serverSalt\":0}", m),
				Arguments.of("negative downloadServerVersion", "{\"type\":\"ident\",\"session\":1,\"clientFileId\":1,\"fileSalt\":1,\"downloadServerVersion\":-1,\"serverSalt\":0}", m),
				Arguments.of("negative clientVersion", "{\"type\":\"upload\",\"session\":1,\"changesets\":[{\"clientVersion\":-1,\"baseServerVersion\":0,\"ops\":[" + op + "]}]}", m),
				Arguments.of("negative baseServerVersion", "{\"type\":\"upload\",\"session\":1,\"changesets\":[{\"clientVersion\":1,\"baseServerVersion\":-1,\"ops\":[" + op + "]}]}", m),
				Arguments.of("changeset without operations", "{\"type\":\"upload\",\"session\":1,\"changesets\":[{\"clientVersion\":1,\"baseServerVersion\":0,\"ops\":[]}]}", m),
				Arguments.of("negative serverVersion", download(-1, "[]", "[]"), m),
				Arguments.of("serverVersionSalt as string", download(3, "[]", "[]").replace("\"serverVersion\":3,", "\"serverVersion\":3,\"serverVersionSalt\":\"5\","), m),
				Arguments.of("serverVersionSalt as string, tree", download(3, "[]", "[]").replace("{\"type\":\"download\",\"session\":1,", "{\"session\":1,\"type\":\"download\",\"serverVersionSalt\":\"5\","), m),
				Arguments.of("serverVersionSalt at version 0", download(0, "[]", "[]").replace("\"serverVersion\":0,", "\"serverVersion\":0,\"serverVersionSalt\":5,"), m),
				Arguments.of("downloadServerVersionSalt at version 0", "{\"type\":\"ident\",\"session\":1,\"clientFileId\":1,\"fileSalt\":1,\"downloadServerVersion\":0,\"downloadServerVersionSalt\":5,\"serverSalt\":0}", m),
				Arguments.of("downloadServerVersionSalt beyond 64 bits", "{\"type\":\"ident\",\"session\":1,\"clientFileId\":1,\"fileSalt\":1,\"downloadServerVersion\":2,\"downloadServerVersionSalt\":18446744073709551616,\"serverSalt\":0}", m),
				Arguments.of("negative uploadAck", "{\"type\":\"download\",\"session\":1,\"serverVersion\":0,\"uploadAck\":-1,\"remainingBytes\":0,\"changesets\":[],\"documents\":[]}", m),
				Arguments.of("negative remainingBytes", "{\"type\":\"download\",\"session\":1,\"serverVersion\":0,\"uploadAck\":0,\"remainingBytes\":-1,\"changesets\":[],\"documents\":[]}", m),
				Arguments.of("server changeset version 0", download(3, "[{\"serverVersion\":0,\"originFileId\":1,\"clientVersion\":1,\"ops\":[" + op + "]}]", "[]"), m),
				Arguments.of("server changeset origin 0", download(3, "[{\"serverVersion\":1,\"originFileId\":0,\"clientVersion\":1,\"ops\":[" + op + "]}]", "[]"), m),
				Arguments.of("negative requestId", "{\"type\":\"mark\",\"session\":1,\"requestId\":-1}", m),
				Arguments.of("negative backoff", "{\"type\":\"error\",\"session\":0,\"code\":101,\"message\":\"x\",\"tryAgain\":false,\"backoffMillis\":-1}", m),
				Arguments.of("unknown error code", "{\"type\":\"error\",\"session\":0,\"code\":999,\"message\":\"x\",\"tryAgain\":false}", m),
				Arguments.of("error code beyond int", "{\"type\":\"error\",\"session\":0,\"code\":4294967397,\"message\":\"x\",\"tryAgain\":false}", m),
				Arguments.of("negative error code that wraps to 101", "{\"type\":\"error\",\"session\":0,\"code\":-4294967195,\"message\":\"x\",\"tryAgain\":false}", m),
				Arguments.of("error code as string", "{\"type\":\"error\",\"session\":0,\"code\":\"101\",\"message\":\"x\",\"tryAgain\":false}", m),
				// deep nesting
				Arguments.of("deeply nested JSON", "{\"type\":\"ping\",\"timestamp\":1,\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}", m),
				Arguments.of("nesting beyond the parser limit in a value", upload("{\"op\":\"put\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":5,\"f\":{\"a\":" + "[".repeat(120) + "]".repeat(120) + "}}"), m),
				Arguments.of("nesting beyond the value limit", upload("{\"op\":\"put\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":5,\"f\":{\"a\":" + "[".repeat(70) + "]".repeat(70) + "}}"), m),
				// specific codes
				Arguments.of("bad partition", "{\"type\":\"bind\",\"session\":1,\"partition\":\"../etc\",\"needClientFileId\":true}", ErrorCode.BAD_PARTITION),
				Arguments.of("empty partition", "{\"type\":\"bind\",\"session\":1,\"partition\":\"\",\"needClientFileId\":true}", ErrorCode.BAD_PARTITION),
				Arguments.of("partition with slash", "{\"type\":\"bind\",\"session\":1,\"partition\":\"/x\",\"needClientFileId\":true}", ErrorCode.BAD_PARTITION),
				Arguments.of("partition with control character", "{\"type\":\"bind\",\"session\":1,\"partition\":\"a\\u0000\",\"needClientFileId\":true}", ErrorCode.BAD_PARTITION),
				Arguments.of("partition of 257 characters", "{\"type\":\"bind\",\"session\":1,\"partition\":\"" + "p".repeat(257) + "\",\"needClientFileId\":true}", ErrorCode.BAD_PARTITION),
				Arguments.of("client versions not increasing", "{\"type\":\"upload\",\"session\":1,\"changesets\":["
						+ "{\"clientVersion\":2,\"baseServerVersion\":0,\"ops\":[" + op + "]},"
						+ "{\"clientVersion\":2,\"baseServerVersion\":0,\"ops\":[" + op + "]}]}", ErrorCode.BAD_CLIENT_VERSION),
				Arguments.of("server version beyond the cursor", download(3, "[{\"serverVersion\":4,\"originFileId\":1,\"clientVersion\":1,\"ops\":[" + op + "]}]", "[]"), ErrorCode.BAD_SERVER_VERSION),
				Arguments.of("server versions out of order", download(9, "[{\"serverVersion\":4,\"originFileId\":1,\"clientVersion\":1,\"ops\":[" + op + "]},"
						+ "{\"serverVersion\":3,\"originFileId\":1,\"clientVersion\":2,\"ops\":[" + op + "]}]", "[]"), ErrorCode.BAD_SERVER_VERSION));
	}

	private static String upload(String op) {
		return "{\"type\":\"upload\",\"session\":1,\"changesets\":[{\"clientVersion\":1,\"baseServerVersion\":0,\"ops\":[" + op + "]}]}";
	}

	private static String download(long serverVersion, String changesets, String documents) {
		return "{\"type\":\"download\",\"session\":1,\"serverVersion\":" + serverVersion
				+ ",\"uploadAck\":0,\"remainingBytes\":0,\"changesets\":" + changesets + ",\"documents\":" + documents + "}";
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("malformedMessages")
	void rejectsMalformedMessages(String name, String text, ErrorCode code) {
		try {
			SyncMessage decoded = this.codec.decode(text);
			fail("%s: %s decoded as %s", name, text, decoded);
		}
		catch (ProtocolException ex) {
			assertThat(ex.code()).as("%s: code of '%s' for %s", name, ex.getMessage(), text).isEqualTo(code);
			assertThat(ex.getMessage()).isNotBlank();
		}
	}

	@Test
	void theValidCounterpartsOfTheMalformedFixturesDecode() {
		// guards the fixtures above: they fail for the reason they name, not for a typo
		String op = "{\"op\":\"put\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":5,\"f\":{\"a\":1}}";
		String state = "{\"c\":\"tasks\",\"id\":\"t1\",\"p\":true,\"e\":[5,1],\"r\":[5,1],\"f\":{\"a\":{\"s\":[5,1],\"v\":1}}}";
		assertThat(this.codec.decode(upload(op))).isInstanceOf(SyncMessage.Upload.class);
		assertThat(this.codec.decode(download(0, "[]", "[" + state + "]"))).isInstanceOf(SyncMessage.Download.class);
		assertThat(this.codec.decode(download(3, "[{\"serverVersion\":3,\"originFileId\":1,\"clientVersion\":1,\"ops\":[" + op + "]}]", "[]")))
			.isInstanceOf(SyncMessage.Download.class);
		assertThat(this.codec.decode(download(0, "[]", "[" + state.replace("\"v\":1", "\"u\":true") + "]")))
			.isInstanceOf(SyncMessage.Download.class);
		assertThat(this.codec.decode(upload("{\"op\":\"put\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":5,\"f\":{\"a\":" + "[".repeat(63) + "]".repeat(63) + "}}")))
			.isInstanceOf(SyncMessage.Upload.class);
		assertThat(this.codec.decode(upload(op.replace("\"t1\"", "\"t\\ud83d\\ude00\"").replace("{\"a\":1}",
				"{\"a\\ud83d\\ude00\":{\"\\ud83d\\ude00\":[\"\\ud83d\\ude00\"]}}")))).isInstanceOf(SyncMessage.Upload.class);
		assertThat(this.codec.decode(download(0, "[]", "[" + state.replace("\"v\":1", "\"v\":\"\\ud83d\\ude00\"") + "]")))
			.isInstanceOf(SyncMessage.Download.class);
		assertThat(this.codec.decode("{\"type\":\"error\",\"session\":0,\"code\":101,\"message\":\"x\",\"tryAgain\":false,\"backoffMillis\":0,\"documents\":[\"t\"]}"))
			.isInstanceOf(SyncMessage.Error.class);
		assertThat(this.codec.decode("{\"type\":\"ping\",\"timestamp\":9223372036854775807}")).isEqualTo(new SyncMessage.Ping(Long.MAX_VALUE));
		assertThat(this.codec.decode("{\"type\":\"pong\",\"timestamp\":-9223372036854775808}")).isEqualTo(new SyncMessage.Pong(Long.MIN_VALUE));
		assertThat(this.codec.decode("{\"type\":\"bind\",\"session\":1,\"partition\":\"" + "p".repeat(256) + "\",\"needClientFileId\":true}"))
			.isInstanceOf(SyncMessage.Bind.class);
	}

	@Test
	void aValueUnderLongDeepKeysIsCheckedWithoutCopyingItsPathForEveryValue() {
		// 40 levels of 10,000-character keys over 2,000 values: paths built per value would copy
		// 400,000 characters 2,000 times (seconds of a server worker for one message of 0.4 MB)
		StringBuilder json = new StringBuilder();
		for (int level = 0; level < 40; level++) {
			json.append("{\"").append("k".repeat(10_000)).append(level).append("\":");
		}
		json.append('{');
		for (int i = 0; i < 2_000; i++) {
			json.append("\"v").append(i).append("\":").append(i).append(',');
		}
		json.append("\"last\":1e999}").append("}".repeat(40));
		String text = upload("{\"op\":\"put\",\"c\":\"tasks\",\"id\":\"t1\",\"ts\":5,\"f\":{\"a\":" + json + "}}");
		MessageCodec large = new MessageCodec(4 * 1024 * 1024);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> large.decode(text))
			.satisfies(ex -> assertThat(ex.code()).isEqualTo(ErrorCode.MALFORMED_MESSAGE))
			.satisfies(ex -> assertThat(ex.getMessage()).contains("not finite").hasSizeLessThan(400));
	}

	@Test
	void rejectsNull() {
		assertRejected(ErrorCode.MALFORMED_MESSAGE, () -> this.codec.decode(null));
	}

	// ------------------------------------------------------------------ size limit

	private static String errorOfSize(MessageCodec codec, String filler, int targetBytes) {
		String empty = codec.encode(new SyncMessage.Error(0, ErrorCode.INTERNAL_ERROR, ""));
		int fillerBytes = filler.getBytes(StandardCharsets.UTF_8).length;
		int room = targetBytes - MessageCodec.utf8Length(empty);
		StringBuilder message = new StringBuilder();
		for (int i = 0; i < room / fillerBytes; i++) {
			message.append(filler);
		}
		for (int i = 0; i < room % fillerBytes; i++) {
			message.append('a');
		}
		String text = codec.encode(new SyncMessage.Error(0, ErrorCode.INTERNAL_ERROR, message.toString()));
		assertThat(MessageCodec.utf8Length(text)).isEqualTo(targetBytes);
		return text;
	}

	@Test
	void acceptsMessagesUpToTheLimitAndRejectsLargerOnesAsTooBig() {
		MessageCodec small = new MessageCodec(1024);
		assertThat(small.maxMessageBytes()).isEqualTo(1024);
		for (String filler : List.of("a", "é", "€", "😀")) {
			String atLimit = errorOfSize(small, filler, 1024);
			assertThat(small.decode(atLimit)).as("filler %s at the limit", filler).isInstanceOf(SyncMessage.Error.class);
			String over = errorOfSize(small, filler, 1025);
			assertRejected(ErrorCode.MESSAGE_TOO_BIG, () -> small.decode(over));
			String wayOver = errorOfSize(small, filler, 4000);
			assertRejected(ErrorCode.MESSAGE_TOO_BIG, () -> small.decode(wayOver));
		}
	}

	@Test
	void countsBytesNotCharacters() {
		MessageCodec small = new MessageCodec(1024);
		// 600 characters, 1,800 bytes
		String text = small.encode(new SyncMessage.Error(0, ErrorCode.INTERNAL_ERROR, "€".repeat(500)));
		assertThat(text.length()).isLessThan(1024);
		assertThat(MessageCodec.utf8Length(text)).isGreaterThan(1024);
		assertRejected(ErrorCode.MESSAGE_TOO_BIG, () -> small.decode(text));
		// surrogate pairs: 4 bytes per 2 characters
		String emoji = small.encode(new SyncMessage.Error(0, ErrorCode.INTERNAL_ERROR, "😀".repeat(300)));
		assertThat(emoji.length()).isLessThan(1024);
		assertRejected(ErrorCode.MESSAGE_TOO_BIG, () -> small.decode(emoji));
	}

	@Test
	void sizeIsCheckedBeforeParsing() {
		MessageCodec small = new MessageCodec(1024);
		assertRejected(ErrorCode.MESSAGE_TOO_BIG, () -> small.decode("{".repeat(2000)));
		assertRejected(ErrorCode.MESSAGE_TOO_BIG, () -> small.decode("ü".repeat(600)));
	}

	@Test
	void defaultLimitIs16MiB() {
		assertThat(this.codec.maxMessageBytes()).isEqualTo(SyncProtocol.DEFAULT_MAX_MESSAGE_BYTES);
		String prefix = "{\"type\":\"error\",\"session\":0,\"code\":199,\"message\":\"";
		String suffix = "\",\"tryAgain\":true}";
		int room = SyncProtocol.DEFAULT_MAX_MESSAGE_BYTES - prefix.length() - suffix.length();
		String atLimit = prefix + "x".repeat(room) + suffix;
		assertThat(this.codec.decode(atLimit)).isInstanceOfSatisfying(SyncMessage.Error.class,
				error -> assertThat(error.message()).hasSize(room));
		String over = prefix + "x".repeat(room + 1) + suffix;
		assertRejected(ErrorCode.MESSAGE_TOO_BIG, () -> this.codec.decode(over));
	}

	@Test
	void rejectsALimitBelow1KiB() {
		assertThatIllegalArgumentException().isThrownBy(() -> new MessageCodec(1023))
			.withMessage("maxMessageBytes must be >= 1024, was 1023");
	}

	// ------------------------------------------------------------------ fuzz

	private static final String[] TOKENS = { "{", "}", "[", "]", ",", ":", "\"", "\\", "\"type\"", "\"ping\"",
			"\"upload\"", "\"download\"", "\"session\"", "\"ops\"", "\"f\"", "\"v\"", "\"u\"", "\"s\"", "\"e\"", "null",
			"true", "false", "0", "-1", "1e999", "-0", "1.5", "9223372036854775808", "\"\\u0000\"", "\"\\ud800\"", " ",
			"\n", "\u0000", "😀", "NaN", "\"op\"", "\"put\"" };

	/** Decodes fuzzed input: a ProtocolException or a valid message, nothing else. */
	private SyncMessage decodeFuzzed(MessageCodec codec, String input, String description) {
		SyncMessage decoded;
		try {
			decoded = codec.decode(input);
		}
		catch (ProtocolException ex) {
			assertThat(ex.code()).as("%s", description).isIn(ErrorCode.MALFORMED_MESSAGE, ErrorCode.MESSAGE_TOO_BIG,
					ErrorCode.BAD_PARTITION, ErrorCode.BAD_CLIENT_VERSION, ErrorCode.BAD_SERVER_VERSION);
			return null;
		}
		catch (Throwable ex) {
			throw new AssertionError(description + " threw " + ex + " for input: " + input, ex);
		}
		assertThat(decoded).as("%s returned null", description).isNotNull();
		// whatever was accepted is a valid message: it survives a round trip unchanged
		assertThat(codec.decode(codec.encode(decoded))).as("%s: round trip of %s", description, decoded)
			.isEqualTo(decoded);
		return decoded;
	}

	@Test
	void fuzzedInputEndsInAProtocolExceptionOrAValidMessage() {
		MessageCodec small = new MessageCodec(4096);
		Random random = new Random(SEED + 3);
		int accepted = 0;
		int inputs = 0;
		// mutations of valid messages
		for (int i = 0; i < 4000; i++) {
			String text = small.encode(RandomMessages.message(random));
			StringBuilder mutated = new StringBuilder(text);
			int mutations = 1 + random.nextInt(3);
			for (int k = 0; k < mutations && mutated.length() > 0; k++) {
				int at = random.nextInt(mutated.length());
				switch (random.nextInt(6)) {
					case 0 -> mutated.deleteCharAt(at);
					case 1 -> mutated.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
					case 2 -> mutated.setCharAt(at, (char) random.nextInt(128));
					case 3 -> mutated.setCharAt(at, (char) random.nextInt(0x10000));
					case 4 -> {
						int end = Math.min(mutated.length(), at + random.nextInt(20));
						mutated.insert(random.nextInt(mutated.length()), mutated.substring(at, end));
					}
					default -> {
						char c = mutated.charAt(at);
						if (Character.isDigit(c)) {
							mutated.setCharAt(at, (char) ('0' + random.nextInt(10)));
						}
					}
				}
			}
			if (decodeFuzzed(small, mutated.toString(), "seed=" + (SEED + 3) + " mutation " + i) != null) {
				accepted++;
			}
			inputs++;
		}
		// random bytes read as UTF-8 and as Latin-1
		for (int i = 0; i < 2000; i++) {
			byte[] bytes = new byte[random.nextInt(200)];
			random.nextBytes(bytes);
			if (random.nextBoolean() && bytes.length > 0) {
				bytes[0] = '{';
			}
			decodeFuzzed(small, new String(bytes, StandardCharsets.UTF_8), "seed=" + (SEED + 3) + " utf-8 bytes " + i);
			decodeFuzzed(small, new String(bytes, StandardCharsets.ISO_8859_1), "seed=" + (SEED + 3) + " latin-1 bytes " + i);
			inputs += 2;
		}
		// token soup
		for (int i = 0; i < 2000; i++) {
			StringBuilder soup = new StringBuilder();
			int count = random.nextInt(40);
			for (int k = 0; k < count; k++) {
				soup.append(TOKENS[random.nextInt(TOKENS.length)]);
			}
			decodeFuzzed(small, soup.toString(), "seed=" + (SEED + 3) + " tokens " + i);
			inputs++;
		}
		assertThat(inputs).isGreaterThanOrEqualTo(10_000);
		assertThat(accepted).as("some mutations stay valid (digits changed, whitespace inserted)").isPositive();
	}

}
