package io.syncboot.core.codec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encodes and decodes protocol messages, operations and document states as JSON (Jackson 3). The
 * format is described in {@code docs/protocol.md}. Encoding is done by a {@code MessageWriter},
 * downloads in the order it writes them are read in one streaming pass by a
 * {@code DownloadReader}, and everything else through a JSON tree here.
 *
 * <p>By default a field the format does not define is ignored, so that a newer peer may add fields
 * within a protocol version. A codec made with {@link #rejectingUnknownFields(int)} refuses them
 * instead, in messages, changesets, operations and document states: the server decodes what
 * clients send with one, so that nothing a client slips into a message (such as a claimed
 * {@code clientFileId} or {@code originFileId} in an upload) is silently dropped and the rest
 * integrated.
 *
 * <p>Thread-safe and stateless after construction; share one instance. Decoding never returns a
 * half-built message and never throws a Jackson exception: every malformed, mistyped, truncated or
 * oversized input ends in a {@link ProtocolException} whose code says why.
 */
public final class MessageCodec {

	private static final int MAX_NESTING = 100;

	private static final Map<String, Set<String>> MESSAGE_FIELDS = Map.of(
			"bind", Set.of("type", "session", "partition", "needClientFileId"),
			"ident", Set.of("type", "session", "clientFileId", "fileSalt", "downloadServerVersion",
					"downloadServerVersionSalt", "serverSalt"),
			"upload", Set.of("type", "session", "changesets"),
			"download", Set.of("type", "session", "serverVersion", "serverVersionSalt", "uploadAck",
					"lastIntegratedClientVersion", "remainingBytes", "changesets", "documents"),
			"mark", Set.of("type", "session", "requestId"),
			"unbind", Set.of("type", "session"),
			"error", Set.of("type", "session", "code", "action", "message", "tryAgain", "backoffMillis", "documents"),
			"ping", Set.of("type", "timestamp"),
			"pong", Set.of("type", "timestamp"));

	private static final Set<String> CHANGESET_FIELDS = Set.of("clientVersion", "baseServerVersion", "ops");

	private static final Set<String> SERVER_CHANGESET_FIELDS = Set.of("serverVersion", "originFileId", "clientVersion", "ops");

	private static final Set<String> OPERATION_FIELDS = Set.of("op", "c", "id", "ts", "f");

	private static final Set<String> DELETE_FIELDS = Set.of("op", "c", "id", "ts");

	private static final Set<String> STATE_FIELDS = Set.of("c", "id", "p", "e", "r", "f");

	private static final Set<String> REGISTER_FIELDS = Set.of("s", "v", "u");

	private final int maxMessageBytes;

	private final boolean rejectUnknownFields;

	private final JsonMapper mapper;

	private final MessageWriter writer;

	/** A codec with the default message size limit ({@value SyncProtocol#DEFAULT_MAX_MESSAGE_BYTES} bytes). */
	public MessageCodec() {
		this(SyncProtocol.DEFAULT_MAX_MESSAGE_BYTES);
	}

	/**
	 * A codec that rejects messages larger than {@code maxMessageBytes} UTF-8 bytes and ignores
	 * fields the format does not define.
	 */
	public MessageCodec(int maxMessageBytes) {
		this(maxMessageBytes, false);
	}

	/**
	 * A codec that rejects messages larger than {@code maxMessageBytes} UTF-8 bytes and any field
	 * the format does not define, with {@link ErrorCode#MALFORMED_MESSAGE}.
	 */
	public static MessageCodec rejectingUnknownFields(int maxMessageBytes) {
		return new MessageCodec(maxMessageBytes, true);
	}

	private MessageCodec(int maxMessageBytes, boolean rejectUnknownFields) {
		this.rejectUnknownFields = rejectUnknownFields;
		if (maxMessageBytes < 1024) {
			throw new IllegalArgumentException("maxMessageBytes must be >= 1024, was " + maxMessageBytes);
		}
		this.maxMessageBytes = maxMessageBytes;
		JsonFactory factory = JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder()
				.maxNestingDepth(MAX_NESTING)
				.maxDocumentLength(maxMessageBytes)
				.maxStringLength(maxMessageBytes)
				.maxNumberLength(64)
				.build())
			.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
			.build();
		this.mapper = JsonMapper.builder(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
		this.writer = new MessageWriter(this.mapper);
	}

	/** The largest message this codec accepts, in bytes. */
	public int maxMessageBytes() {
		return this.maxMessageBytes;
	}

	/** Whether decoding refuses fields the format does not define (else they are ignored). */
	public boolean rejectsUnknownFields() {
		return this.rejectUnknownFields;
	}

	// ---------------------------------------------------------------- encoding

	/** The JSON text of a message. */
	public String encode(SyncMessage message) {
		return this.writer.message(message);
	}

	/** The JSON text of a list of operations (used by the stores). */
	public String encodeOperations(List<Operation> operations) {
		return this.writer.operations(operations);
	}

	/**
	 * The JSON text of one document state (used by the stores): the text it was decoded from if it
	 * remembers one ({@link DocumentState#encoding()}), else freshly encoded.
	 */
	public String encodeDocumentState(DocumentState state) {
		return this.writer.state(state);
	}

	/**
	 * The JSON object of a state's visible fields, as {@link #encodeFields} writes them (used by the
	 * stores for the visible body of a document); null if the document is absent.
	 */
	public @Nullable String encodeVisibleFields(DocumentState state) {
		return state.isPresent() ? encodeFields(state.visibleFields()) : null;
	}

	/** The JSON text of a field map (used by the stores for the visible body of a document). */
	public String encodeFields(Map<String, Object> fields) {
		return this.writer.fields(fields);
	}

	/**
	 * The UTF-8 size of a message as it goes on the wire: the length of
	 * {@code text.getBytes(UTF_8)} (an unpaired surrogate counts as the one byte it is replaced
	 * with), counted without encoding.
	 */
	public static int utf8Length(String text) {
		int length = text.length();
		int bytes = length;
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				continue;
			}
			if (c < 0x800) {
				bytes += 1;
			}
			else if (!Character.isSurrogate(c)) {
				bytes += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
				bytes += 2; // a pair: two chars, four bytes
				i++;
			}
		}
		return bytes;
	}

	// ---------------------------------------------------------------- decoding

	/**
	 * Parses one message.
	 * @throws ProtocolException with {@link ErrorCode#MESSAGE_TOO_BIG} past the size limit, else
	 * {@link ErrorCode#MALFORMED_MESSAGE} (or the code of the broken rule) for anything not a valid
	 * message
	 */
	public SyncMessage decode(String text) {
		if (text == null) {
			throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "message is null");
		}
		checkSize(text);
		if (DownloadReader.handles(text)) {
			return decodeDownload(text);
		}
		JsonNode root = parse(text);
		SyncMessage message;
		try {
			message = readMessage(root);
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "invalid message: " + ex.getMessage(), ex);
		}
		if (message instanceof SyncMessage.Download download && !download.documents().isEmpty()) {
			// a store writes the states as they came, without encoding them again
			DocumentStateTexts.remember(this.mapper, text, download.documents());
		}
		return message;
	}

	/** A download in the field order this codec writes, read in one streaming pass. */
	private SyncMessage decodeDownload(String text) {
		try (JsonParser parser = this.mapper.createParser(text)) {
			return new DownloadReader(this, parser, text, this.rejectUnknownFields).read();
		}
		catch (JacksonException ex) {
			throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "invalid JSON: " + ex.getOriginalMessage(), ex);
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "invalid message: " + ex.getMessage(), ex);
		}
	}

	/** Parses a list of operations written by {@link #encodeOperations}. */
	public List<Operation> decodeOperations(String text) {
		try {
			return readOperations(parse(text), "ops");
		}
		catch (IllegalArgumentException ex) {
			throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "invalid operations: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Parses a document state written by {@link #encodeDocumentState}; the state remembers
	 * {@code text} until it changes.
	 */
	public DocumentState decodeDocumentState(String text) {
		try {
			DocumentState state = readState(parse(text));
			state.rememberEncoding(text);
			return state;
		}
		catch (IllegalArgumentException ex) {
			throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "invalid document state: " + ex.getMessage(), ex);
		}
	}

	/**
	 * A state of {@code key} known by its text (written by {@link #encodeDocumentState}), decoded
	 * only when its content is first asked for ({@link DocumentState#encoded}); encoding it writes
	 * {@code text} as it is. For stores that pass stored states on, such as a snapshot for a client.
	 * A text that is not a valid state of {@code key} fails the call that needs its content.
	 */
	public DocumentState decodeDocumentStateLazily(DocumentKey key, String text) {
		return DocumentState.encoded(key, text, this::decodeDocumentState);
	}

	/** Parses a field map written by {@link #encodeFields}. */
	@SuppressWarnings("unchecked")
	public Map<String, Object> decodeFields(String text) {
		Object value = readValue(parse(text), "fields");
		if (!(value instanceof Map)) {
			throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "fields must be a JSON object");
		}
		return (Map<String, Object>) value;
	}

	private void checkSize(String text) {
		if (text.length() > this.maxMessageBytes
				|| ((long) text.length() * 3 > this.maxMessageBytes && utf8Length(text) > this.maxMessageBytes)) {
			throw new ProtocolException(ErrorCode.MESSAGE_TOO_BIG,
					"message exceeds the limit of " + this.maxMessageBytes + " bytes");
		}
	}

	private JsonNode parse(String text) {
		try {
			JsonNode root = this.mapper.readTree(text);
			if (root == null || root.isMissingNode()) {
				throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "empty message");
			}
			return root;
		}
		catch (JacksonException ex) {
			throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "invalid JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	private SyncMessage readMessage(JsonNode root) {
		requireObject(root, "message");
		String type = string(root, "type");
		Set<String> fields = MESSAGE_FIELDS.get(type);
		if (fields != null) {
			onlyKnownFields(root, type, fields);
		}
		switch (type) {
			case "bind":
				return new SyncMessage.Bind(number(root, "session"), string(root, "partition"),
						bool(root, "needClientFileId"));
			case "ident":
				return new SyncMessage.Ident(number(root, "session"), number(root, "clientFileId"),
						number(root, "fileSalt"), number(root, "downloadServerVersion"),
						optionalNumber(root, "downloadServerVersionSalt"), number(root, "serverSalt"));
			case "upload": {
				List<Changeset> changesets = new ArrayList<>();
				for (JsonNode node : array(root, "changesets")) {
					requireObject(node, "changeset");
					onlyKnownFields(node, "changeset", CHANGESET_FIELDS);
					changesets.add(new Changeset(number(node, "clientVersion"), number(node, "baseServerVersion"),
							readOperations(field(node, "ops"), "ops")));
				}
				return new SyncMessage.Upload(number(root, "session"), changesets);
			}
			case "download": {
				List<ServerChangeset> changesets = new ArrayList<>();
				for (JsonNode node : array(root, "changesets")) {
					changesets.add(readServerChangeset(node));
				}
				List<DocumentState> documents = new ArrayList<>();
				for (JsonNode node : array(root, "documents")) {
					documents.add(readState(node));
				}
				return new SyncMessage.Download(number(root, "session"), number(root, "serverVersion"),
						optionalNumber(root, "serverVersionSalt"), number(root, "uploadAck"), number(root, "remainingBytes"),
						changesets, documents, optionalNumber(root, "lastIntegratedClientVersion"));
			}
			case "mark":
				return new SyncMessage.Mark(number(root, "session"), number(root, "requestId"));
			case "unbind":
				return new SyncMessage.Unbind(number(root, "session"));
			case "error": {
				long code = number(root, "code");
				if (code < Integer.MIN_VALUE || code > Integer.MAX_VALUE) {
					throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "unknown error code " + code);
				}
				List<String> documents = new ArrayList<>();
				JsonNode docs = root.get("documents");
				if (docs != null) {
					if (!docs.isArray()) {
						throw mistyped("documents", "an array");
					}
					for (JsonNode doc : docs) {
						if (!doc.isString()) {
							throw mistyped("documents[]", "a string");
						}
						documents.add(doc.stringValue());
					}
				}
				JsonNode backoff = root.get("backoffMillis");
				return new SyncMessage.Error(number(root, "session"), ErrorCode.ofNumber((int) code),
						string(root, "message"), bool(root, "tryAgain"), (backoff != null) ? number(root, "backoffMillis") : 0,
						documents);
			}
			case "ping":
				return new SyncMessage.Ping(number(root, "timestamp"));
			case "pong":
				return new SyncMessage.Pong(number(root, "timestamp"));
			default:
				throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "unknown message type '" + abbreviate(type) + "'");
		}
	}

	/** One changeset of a download (also for {@link DownloadReader}). */
	ServerChangeset readServerChangeset(JsonNode node) {
		requireObject(node, "changeset");
		onlyKnownFields(node, "changeset", SERVER_CHANGESET_FIELDS);
		return new ServerChangeset(number(node, "serverVersion"), number(node, "originFileId"),
				number(node, "clientVersion"), readOperations(field(node, "ops"), "ops"));
	}

	private List<Operation> readOperations(JsonNode node, String name) {
		if (!node.isArray()) {
			throw mistyped(name, "an array");
		}
		List<Operation> operations = new ArrayList<>(node.size());
		for (JsonNode op : node) {
			requireObject(op, "operation");
			String kind = string(op, "op");
			onlyKnownFields(op, "operation", "delete".equals(kind) ? DELETE_FIELDS : OPERATION_FIELDS);
			String collection = string(op, "c");
			String id = string(op, "id");
			long ts = number(op, "ts");
			switch (kind) {
				case "put" -> operations.add(new Operation.Put(collection, id, ts, fieldMap(field(op, "f"))));
				case "update" -> operations.add(new Operation.Update(collection, id, ts, fieldMap(field(op, "f"))));
				case "unset" -> {
					JsonNode names = field(op, "f");
					if (!names.isArray()) {
						throw mistyped("f", "an array of field names");
					}
					Set<String> fields = new LinkedHashSet<>();
					for (JsonNode fieldName : names) {
						if (!fieldName.isString()) {
							throw mistyped("f[]", "a string");
						}
						fields.add(fieldName.stringValue());
					}
					operations.add(new Operation.Unset(collection, id, ts, fields));
				}
				case "delete" -> operations.add(new Operation.Delete(collection, id, ts));
				default -> throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE,
						"unknown operation '" + abbreviate(kind) + "'");
			}
		}
		return operations;
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> fieldMap(JsonNode node) {
		if (!node.isObject()) {
			throw mistyped("f", "an object");
		}
		return (Map<String, Object>) readValue(node, "f");
	}

	private DocumentState readState(JsonNode node) {
		requireObject(node, "document");
		onlyKnownFields(node, "document", STATE_FIELDS);
		DocumentKey key = new DocumentKey(string(node, "c"), string(node, "id"));
		JsonNode fieldsNode = field(node, "f");
		requireObject(fieldsNode, "f");
		Map<String, FieldRegister> registers = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : fieldsNode.properties()) {
			JsonNode register = entry.getValue();
			requireObject(register, "field register");
			onlyKnownFields(register, "field register", REGISTER_FIELDS);
			Stamp stamp = stamp(field(register, "s"));
			JsonNode unset = register.get("u");
			if (unset != null && !unset.isBoolean()) {
				throw mistyped("u", "a boolean");
			}
			if (unset != null && unset.booleanValue()) {
				if (register.get("v") != null) {
					throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE,
							"field register '" + abbreviate(entry.getKey()) + "' is unset and has a value");
				}
				registers.put(entry.getKey(), FieldRegister.removed(stamp));
			}
			else {
				registers.put(entry.getKey(), FieldRegister.set(stamp, readValue(field(register, "v"), JsonValues.childPath("f", entry.getKey()))));
			}
		}
		return DocumentState.of(key, stamp(field(node, "e")), bool(node, "p"), stamp(field(node, "r")), registers);
	}

	private static Stamp stamp(JsonNode node) {
		if (!node.isArray() || node.size() != 2 || !isLong(node.get(0)) || !isLong(node.get(1))) {
			throw mistyped("stamp", "an array of two integers");
		}
		return new Stamp(node.get(0).longValue(), node.get(1).longValue());
	}

	private Object readValue(JsonNode node, String path) {
		if (node.isNull()) {
			return null;
		}
		if (node.isString()) {
			return wellFormed(node.stringValue(), path);
		}
		if (node.isBoolean()) {
			return node.booleanValue();
		}
		if (node.isIntegralNumber()) {
			if (!node.canConvertToLong()) {
				throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "integer at '" + path + "' does not fit in 64 bits");
			}
			return node.longValue();
		}
		if (node.isNumber()) {
			double d = node.doubleValue();
			if (Double.isNaN(d) || Double.isInfinite(d)) {
				throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "number at '" + path + "' is not finite");
			}
			return d;
		}
		if (node.isArray()) {
			List<Object> list = new ArrayList<>(node.size());
			for (JsonNode element : node) {
				list.add(readValue(element, path));
			}
			return java.util.Collections.unmodifiableList(list);
		}
		if (node.isObject()) {
			Map<String, Object> map = new LinkedHashMap<>();
			for (Map.Entry<String, JsonNode> entry : node.properties()) {
				String child = JsonValues.childPath(path, entry.getKey());
				map.put(wellFormed(entry.getKey(), child), readValue(entry.getValue(), child));
			}
			return java.util.Collections.unmodifiableMap(map);
		}
		throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "unsupported JSON value at '" + path + "'");
	}

	private static String wellFormed(String text, String path) {
		int at = JsonValues.unpairedSurrogate(text);
		if (at >= 0) {
			throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "string at '" + path
					+ "' has an unpaired UTF-16 surrogate at index " + at + " (not valid Unicode)");
		}
		return text;
	}

	private void onlyKnownFields(JsonNode node, String what, Set<String> known) {
		if (!this.rejectUnknownFields) {
			return;
		}
		for (Map.Entry<String, JsonNode> field : node.properties()) {
			if (!known.contains(field.getKey())) {
				throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE,
						what + " has a field the protocol does not define: '" + abbreviate(field.getKey()) + "'");
			}
		}
	}

	private static void requireObject(JsonNode node, String what) {
		if (!node.isObject()) {
			throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, what + " must be a JSON object");
		}
	}

	private static JsonNode field(JsonNode node, String name) {
		JsonNode value = node.get(name);
		if (value == null) {
			throw new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "missing field '" + name + "'");
		}
		return value;
	}

	private static String string(JsonNode node, String name) {
		JsonNode value = field(node, name);
		if (!value.isString()) {
			throw mistyped(name, "a string");
		}
		return value.stringValue();
	}

	private static boolean isLong(JsonNode node) {
		return node != null && node.isIntegralNumber() && node.canConvertToLong();
	}

	private static long number(JsonNode node, String name) {
		JsonNode value = field(node, name);
		if (!isLong(value)) {
			throw mistyped(name, "a 64-bit integer");
		}
		return value.longValue();
	}

	/**
	 * A 64-bit integer field that a peer of an earlier revision of protocol version 1 does not send:
	 * 0 when absent, else as {@link #number}.
	 */
	private static long optionalNumber(JsonNode node, String name) {
		return (node.get(name) != null) ? number(node, name) : 0;
	}

	private static boolean bool(JsonNode node, String name) {
		JsonNode value = field(node, name);
		if (!value.isBoolean()) {
			throw mistyped(name, "a boolean");
		}
		return value.booleanValue();
	}

	private static Iterable<JsonNode> array(JsonNode node, String name) {
		JsonNode value = field(node, name);
		if (!value.isArray()) {
			throw mistyped(name, "an array");
		}
		return value;
	}

	private static ProtocolException mistyped(String name, String expected) {
		return new ProtocolException(ErrorCode.MALFORMED_MESSAGE, "field '" + name + "' must be " + expected);
	}

	private static String abbreviate(String text) {
		return (text.length() <= 40) ? text : text.substring(0, 40) + "...";
	}

}
