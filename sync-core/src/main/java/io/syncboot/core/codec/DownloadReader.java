package io.syncboot.core.codec;

import java.util.ArrayList;
import java.util.List;

import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.JsonValues;
import io.syncboot.core.model.Names;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.model.Stamp;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncMessage;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * Decodes a download message in one streaming pass, without a JSON tree for its document states:
 * each state is checked as it is read and keeps its own text, sliced from the message, so that a
 * store writes it as it came; its field registers are built from that text only if asked for
 * ({@link DocumentState#withPendingFields}). Changesets (rare
 * in a bootstrap, small otherwise) are read as trees by {@link MessageCodec}. Accepts and rejects
 * exactly what {@link MessageCodec}'s tree decoding does; only which of several faults a message
 * is reported for may differ.
 *
 * <p>Used for messages that start with {@link #PREFIX}, as {@link MessageCodec} writes downloads.
 * One instance reads one message on the calling thread. Throws {@link ProtocolException} for
 * anything the protocol does not allow, and whatever the parser throws (a Jackson exception, which
 * {@link MessageCodec} turns into a {@link ProtocolException}) for text that is not JSON.
 */
final class DownloadReader {

	/** How a download written by {@link MessageCodec} starts. */
	static final String PREFIX = "{\"type\":\"download\",";

	private final MessageCodec codec;

	private final JsonParser parser;

	private final String text;

	private final boolean rejectUnknownFields;

	DownloadReader(MessageCodec codec, JsonParser parser, String text, boolean rejectUnknownFields) {
		this.codec = codec;
		this.parser = parser;
		this.text = text;
		this.rejectUnknownFields = rejectUnknownFields;
	}

	/** Whether {@code text} is a download in the field order {@link MessageCodec} writes. */
	static boolean handles(String text) {
		return text.startsWith(PREFIX);
	}

	SyncMessage.Download read() {
		if (this.parser.nextToken() != JsonToken.START_OBJECT) {
			throw malformed("message must be a JSON object");
		}
		Long session = null;
		Long serverVersion = null;
		long serverVersionSalt = 0; // optional: absent from downloads of earlier servers
		Long uploadAck = null;
		long lastIntegratedClientVersion = 0; // optional: only after an ident, and absent from earlier servers
		Long remainingBytes = null;
		List<ServerChangeset> changesets = null;
		List<DocumentState> documents = null;
		while (this.parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = this.parser.currentName();
			JsonToken token = this.parser.nextToken();
			switch (name) {
				case "type" -> {
					if (token != JsonToken.VALUE_STRING || !"download".equals(this.parser.getString())) {
						throw mistyped("type", "\"download\"");
					}
				}
				case "session" -> session = number(token, name);
				case "serverVersion" -> serverVersion = number(token, name);
				case "serverVersionSalt" -> serverVersionSalt = number(token, name);
				case "uploadAck" -> uploadAck = number(token, name);
				case "lastIntegratedClientVersion" -> lastIntegratedClientVersion = number(token, name);
				case "remainingBytes" -> remainingBytes = number(token, name);
				case "changesets" -> changesets = changesets(token);
				case "documents" -> documents = documents(token);
				default -> unknown(name, "download");
			}
		}
		if (this.parser.nextToken() != null) {
			throw malformed("invalid JSON: trailing content after the message");
		}
		// missing fields are reported in the order the tree decoding reads them
		required(changesets, "changesets");
		required(documents, "documents");
		return new SyncMessage.Download(required(session, "session"), required(serverVersion, "serverVersion"),
				serverVersionSalt, required(uploadAck, "uploadAck"), required(remainingBytes, "remainingBytes"),
				changesets, documents, lastIntegratedClientVersion);
	}

	private List<ServerChangeset> changesets(JsonToken token) {
		requireArray(token, "changesets");
		List<ServerChangeset> changesets = new ArrayList<>();
		while (this.parser.nextToken() != JsonToken.END_ARRAY) {
			JsonNode node = this.parser.readValueAsTree();
			changesets.add(this.codec.readServerChangeset(node));
		}
		return changesets;
	}

	private List<DocumentState> documents(JsonToken token) {
		requireArray(token, "documents");
		List<DocumentState> documents = new ArrayList<>();
		JsonToken element;
		while ((element = this.parser.nextToken()) != JsonToken.END_ARRAY) {
			if (element != JsonToken.START_OBJECT) {
				throw malformed("document must be a JSON object");
			}
			documents.add(state());
		}
		return documents;
	}

	/**
	 * Reads one document state; the parser is on its start. Its field registers are checked and
	 * summarised but not built: the state keeps its text and builds them from it when first asked
	 * ({@link DocumentState#withPendingFields}), which a store writing the text as it came never does.
	 */
	private DocumentState state() {
		int start = offset(this.parser.currentTokenLocation().getCharOffset());
		String collection = null;
		String id = null;
		Boolean present = null;
		Stamp existence = null;
		Stamp replaced = null;
		RegisterSummary registers = null;
		while (this.parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = this.parser.currentName();
			JsonToken token = this.parser.nextToken();
			switch (name) {
				case "c" -> collection = string(token, name);
				case "id" -> id = string(token, name);
				case "p" -> present = bool(token, name);
				case "e" -> existence = stamp(token);
				case "r" -> replaced = stamp(token);
				case "f" -> {
					if (token != JsonToken.START_OBJECT) {
						throw malformed("f must be a JSON object");
					}
					registers = registers();
				}
				default -> unknown(name, "document");
			}
		}
		int end = offset(this.parser.currentLocation().getCharOffset());
		// missing fields are reported in the order the tree decoding reads them
		DocumentKey key = new DocumentKey(required(collection, "c"), required(id, "id"));
		required(registers, "f");
		Stamp existenceStamp = required(existence, "e");
		boolean isPresent = required(present, "p");
		Stamp replaceStamp = required(replaced, "r");
		// the checks DocumentState.of makes on built registers
		if (registers.oldest != null && registers.oldest.compareTo(replaceStamp) < 0) {
			throw new IllegalArgumentException("field '" + registers.oldestField + "' of " + key
					+ " is older than the document's replace stamp");
		}
		return DocumentState.withPendingFields(key, existenceStamp, isPresent, replaceStamp, registers.latest,
				registers.unassigned, this.text.substring(start, end), this.codec::decodeDocumentState);
	}

	/** What checking a state's field registers found. */
	private static final class RegisterSummary {

		@Nullable Stamp oldest; // the least register stamp

		@Nullable String oldestField;

		Stamp latest = Stamp.ZERO;

		boolean unassigned;

	}

	/**
	 * Checks the field registers (the parser is on their start) as building them would, without
	 * building them.
	 */
	private RegisterSummary registers() {
		RegisterSummary summary = new RegisterSummary();
		while (this.parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String field = this.parser.currentName();
			if (this.parser.nextToken() != JsonToken.START_OBJECT) {
				throw malformed("field register must be a JSON object");
			}
			Stamp stamp = null;
			Boolean unset = null;
			boolean hasValue = false;
			while (this.parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = this.parser.currentName();
				JsonToken token = this.parser.nextToken();
				switch (name) {
					case "s" -> stamp = stamp(token);
					case "u" -> {
						if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
							throw mistyped("u", "a boolean");
						}
						unset = token == JsonToken.VALUE_TRUE;
					}
					case "v" -> {
						hasValue = true;
						checkValue(token, JsonValues.childPath("f", field));
					}
					default -> unknown(name, "field register");
				}
			}
			Stamp registerStamp = required(stamp, "s");
			if (unset != null && unset) {
				if (hasValue) {
					throw malformed("field register '" + abbreviate(field) + "' is unset and has a value");
				}
			}
			else if (!hasValue) {
				throw missing("v");
			}
			Names.field(field);
			if (summary.oldest == null || registerStamp.compareTo(summary.oldest) < 0) {
				summary.oldest = registerStamp;
				summary.oldestField = field;
			}
			summary.latest = Stamp.max(summary.latest, registerStamp);
			summary.unassigned |= registerStamp.isUnassigned();
		}
		return summary;
	}

	/**
	 * Checks a JSON value as {@link MessageCodec} would read it as a field value, without building
	 * it; the parser is on its first token.
	 */
	private void checkValue(JsonToken token, String path) {
		switch (token) {
			case VALUE_NULL, VALUE_TRUE, VALUE_FALSE:
				return;
			case VALUE_STRING:
				wellFormed(path);
				return;
			case VALUE_NUMBER_INT:
				if (this.parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
					throw malformed("integer at '" + path + "' does not fit in 64 bits");
				}
				return;
			case VALUE_NUMBER_FLOAT: {
				double d = this.parser.getDoubleValue();
				if (Double.isNaN(d) || Double.isInfinite(d)) {
					throw malformed("number at '" + path + "' is not finite");
				}
				return;
			}
			case START_ARRAY: {
				JsonToken element;
				while ((element = this.parser.nextToken()) != JsonToken.END_ARRAY) {
					checkValue(element, path);
				}
				return;
			}
			case START_OBJECT: {
				while (this.parser.nextToken() == JsonToken.PROPERTY_NAME) {
					String child = JsonValues.childPath(path, this.parser.currentName());
					wellFormed(child);
					checkValue(this.parser.nextToken(), child);
				}
				return;
			}
			default:
				throw malformed("unsupported JSON value at '" + path + "'");
		}
	}

	/** Checks that the current string or property name has no unpaired surrogate (without copying it). */
	private void wellFormed(String path) {
		int at = JsonValues.unpairedSurrogate(this.parser.getStringCharacters(), this.parser.getStringOffset(),
				this.parser.getStringLength());
		if (at >= 0) {
			throw malformed("string at '" + path + "' has an unpaired UTF-16 surrogate at index " + at + " (not valid Unicode)");
		}
	}

	private Stamp stamp(JsonToken token) {
		if (token != JsonToken.START_ARRAY) {
			throw mistyped("stamp", "an array of two integers");
		}
		long timestamp = stampPart(this.parser.nextToken());
		long fileId = stampPart(this.parser.nextToken());
		if (this.parser.nextToken() != JsonToken.END_ARRAY) {
			throw mistyped("stamp", "an array of two integers");
		}
		return new Stamp(timestamp, fileId);
	}

	private long stampPart(JsonToken token) {
		if (!isLong(token)) {
			throw mistyped("stamp", "an array of two integers");
		}
		return this.parser.getLongValue();
	}

	private boolean isLong(JsonToken token) {
		return token == JsonToken.VALUE_NUMBER_INT && this.parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
	}

	private long number(JsonToken token, String name) {
		if (!isLong(token)) {
			throw mistyped(name, "a 64-bit integer");
		}
		return this.parser.getLongValue();
	}

	private String string(JsonToken token, String name) {
		if (token != JsonToken.VALUE_STRING) {
			throw mistyped(name, "a string");
		}
		return this.parser.getString();
	}

	private static boolean bool(JsonToken token, String name) {
		if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
			throw mistyped(name, "a boolean");
		}
		return token == JsonToken.VALUE_TRUE;
	}

	private void requireArray(JsonToken token, String name) {
		if (token != JsonToken.START_ARRAY) {
			throw mistyped(name, "an array");
		}
	}

	/** A field the format does not define: refused or skipped, as the codec is configured. */
	private void unknown(String name, String what) {
		if (this.rejectUnknownFields) {
			throw malformed(what + " has a field the protocol does not define: '" + abbreviate(name) + "'");
		}
		this.parser.skipChildren();
	}

	/** {@code value}, or the fault for a missing field {@code name}. */
	private static <T> T required(@Nullable T value, String name) {
		if (value == null) {
			throw missing(name);
		}
		return value;
	}

	private static int offset(long offset) {
		if (offset < 0 || offset > Integer.MAX_VALUE) {
			throw new IllegalStateException("no character offset");
		}
		return (int) offset;
	}

	private static ProtocolException missing(String name) {
		return malformed("missing field '" + name + "'");
	}

	private static ProtocolException mistyped(String name, String expected) {
		return malformed("field '" + name + "' must be " + expected);
	}

	private static ProtocolException malformed(String message) {
		return new ProtocolException(ErrorCode.MALFORMED_MESSAGE, message);
	}

	private static String abbreviate(String text) {
		return (text.length() <= 40) ? text : text.substring(0, 40) + "...";
	}

}
