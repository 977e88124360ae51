package io.syncboot.core.codec;

import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.merge.FieldRegister;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.model.Stamp;
import io.syncboot.core.protocol.SyncMessage;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * The encoding half of {@link MessageCodec}: writes messages, operations, document states and
 * field maps as the compact JSON text the protocol defines (docs/protocol.md), fields in a fixed
 * order (a download starts with {@link DownloadReader#PREFIX}, which its streaming reader relies on).
 *
 * <p>Thread-safe and stateless after construction. Throws {@link IllegalArgumentException} for a
 * field value that is not a normalized JSON value and for a download too large for one string.
 */
final class MessageWriter {

	private final JsonMapper mapper;

	MessageWriter(JsonMapper mapper) {
		this.mapper = mapper;
	}

	String message(SyncMessage message) {
		if (message instanceof SyncMessage.Download download && !download.documents().isEmpty()) {
			return messageWithDocuments(download);
		}
		return write(gen -> writeMessage(gen, message));
	}

	/**
	 * The text of a download with document states, built in one buffer of the exact size: the rest
	 * of the message through the generator, then the states' texts (remembered, or encoded one by
	 * one) appended as they are, between the brackets of its empty {@code documents}. A bootstrap
	 * batch is mostly state texts, which would otherwise be copied into the generator's buffer, then
	 * into a growing writer.
	 */
	private String messageWithDocuments(SyncMessage.Download download) {
		String head = write(gen -> writeMessage(gen, new SyncMessage.Download(download.session(),
				download.serverVersion(), download.serverVersionSalt(), download.uploadAck(), download.remainingBytes(),
				download.changesets(), List.of(), download.lastIntegratedClientVersion())));
		// the head ends with "documents":[]} ; the states go between the brackets
		int open = head.length() - 2;
		List<DocumentState> documents = download.documents();
		String[] states = new String[documents.size()];
		long length = head.length() + states.length - 1L;
		for (int i = 0; i < states.length; i++) {
			states[i] = state(documents.get(i));
			length += states[i].length();
		}
		if (length > Integer.MAX_VALUE - 16) {
			throw new IllegalArgumentException("download of " + length + " characters is too large to encode");
		}
		StringBuilder text = new StringBuilder((int) length);
		text.append(head, 0, open);
		for (int i = 0; i < states.length; i++) {
			if (i > 0) {
				text.append(',');
			}
			text.append(states[i]);
		}
		return text.append(head, open, head.length()).toString();
	}

	String operations(List<Operation> operations) {
		return write(gen -> writeOperations(gen, operations));
	}

	/** A state's remembered text if it has one, else its encoding. */
	String state(DocumentState state) {
		String encoded = state.encoding();
		return (encoded != null) ? encoded : write(gen -> writeState(gen, state));
	}

	String fields(Map<String, Object> fields) {
		return write(gen -> writeValue(gen, fields));
	}

	private interface Writer {

		void write(JsonGenerator gen);

	}

	private String write(Writer writer) {
		StringWriter out = new StringWriter(256);
		try (JsonGenerator gen = this.mapper.createGenerator(out)) {
			writer.write(gen);
		}
		return out.toString();
	}

	private void writeMessage(JsonGenerator gen, SyncMessage message) {
		gen.writeStartObject();
		if (message instanceof SyncMessage.Bind m) {
			gen.writeStringProperty("type", "bind");
			gen.writeNumberProperty("session", m.session());
			gen.writeStringProperty("partition", m.partition());
			gen.writeBooleanProperty("needClientFileId", m.needClientFileId());
		}
		else if (message instanceof SyncMessage.Ident m) {
			gen.writeStringProperty("type", "ident");
			gen.writeNumberProperty("session", m.session());
			gen.writeNumberProperty("clientFileId", m.clientFileId());
			gen.writeNumberProperty("fileSalt", m.fileSalt());
			gen.writeNumberProperty("downloadServerVersion", m.downloadServerVersion());
			if (m.downloadServerVersionSalt() != 0) {
				// left out when unknown, so a server that predates cursor salts (and refuses fields it does
				// not know) still accepts the ident of a file that never downloaded from a newer one
				gen.writeNumberProperty("downloadServerVersionSalt", m.downloadServerVersionSalt());
			}
			gen.writeNumberProperty("serverSalt", m.serverSalt());
		}
		else if (message instanceof SyncMessage.Upload m) {
			gen.writeStringProperty("type", "upload");
			gen.writeNumberProperty("session", m.session());
			gen.writeName("changesets");
			gen.writeStartArray();
			for (Changeset changeset : m.changesets()) {
				gen.writeStartObject();
				gen.writeNumberProperty("clientVersion", changeset.clientVersion());
				gen.writeNumberProperty("baseServerVersion", changeset.baseServerVersion());
				gen.writeName("ops");
				writeOperations(gen, changeset.operations());
				gen.writeEndObject();
			}
			gen.writeEndArray();
		}
		else if (message instanceof SyncMessage.Download m) {
			gen.writeStringProperty("type", "download");
			gen.writeNumberProperty("session", m.session());
			gen.writeNumberProperty("serverVersion", m.serverVersion());
			if (m.serverVersionSalt() != 0) {
				gen.writeNumberProperty("serverVersionSalt", m.serverVersionSalt());
			}
			gen.writeNumberProperty("uploadAck", m.uploadAck());
			if (m.lastIntegratedClientVersion() != 0) {
				gen.writeNumberProperty("lastIntegratedClientVersion", m.lastIntegratedClientVersion());
			}
			gen.writeNumberProperty("remainingBytes", m.remainingBytes());
			gen.writeName("changesets");
			gen.writeStartArray();
			for (ServerChangeset changeset : m.changesets()) {
				writeServerChangeset(gen, changeset);
			}
			gen.writeEndArray();
			gen.writeName("documents");
			gen.writeStartArray();
			for (DocumentState state : m.documents()) {
				writeState(gen, state);
			}
			gen.writeEndArray();
		}
		else if (message instanceof SyncMessage.Mark m) {
			gen.writeStringProperty("type", "mark");
			gen.writeNumberProperty("session", m.session());
			gen.writeNumberProperty("requestId", m.requestId());
		}
		else if (message instanceof SyncMessage.Unbind m) {
			gen.writeStringProperty("type", "unbind");
			gen.writeNumberProperty("session", m.session());
		}
		else if (message instanceof SyncMessage.Error m) {
			gen.writeStringProperty("type", "error");
			gen.writeNumberProperty("session", m.session());
			gen.writeNumberProperty("code", m.code().number());
			gen.writeStringProperty("action", m.action().name());
			gen.writeStringProperty("message", m.message());
			gen.writeBooleanProperty("tryAgain", m.tryAgain());
			gen.writeNumberProperty("backoffMillis", m.backoffMillis());
			gen.writeName("documents");
			gen.writeStartArray();
			for (String document : m.documents()) {
				gen.writeString(document);
			}
			gen.writeEndArray();
		}
		else if (message instanceof SyncMessage.Ping m) {
			gen.writeStringProperty("type", "ping");
			gen.writeNumberProperty("timestamp", m.timestamp());
		}
		else if (message instanceof SyncMessage.Pong m) {
			gen.writeStringProperty("type", "pong");
			gen.writeNumberProperty("timestamp", m.timestamp());
		}
		gen.writeEndObject();
	}

	private void writeServerChangeset(JsonGenerator gen, ServerChangeset changeset) {
		gen.writeStartObject();
		gen.writeNumberProperty("serverVersion", changeset.serverVersion());
		gen.writeNumberProperty("originFileId", changeset.originFileId());
		gen.writeNumberProperty("clientVersion", changeset.clientVersion());
		gen.writeName("ops");
		writeOperations(gen, changeset.operations());
		gen.writeEndObject();
	}

	private void writeOperations(JsonGenerator gen, List<Operation> operations) {
		gen.writeStartArray();
		for (Operation operation : operations) {
			gen.writeStartObject();
			if (operation instanceof Operation.Put put) {
				gen.writeStringProperty("op", "put");
				writeOperationKey(gen, operation);
				gen.writeName("f");
				writeValue(gen, put.fields());
			}
			else if (operation instanceof Operation.Update update) {
				gen.writeStringProperty("op", "update");
				writeOperationKey(gen, operation);
				gen.writeName("f");
				writeValue(gen, update.fields());
			}
			else if (operation instanceof Operation.Unset unset) {
				gen.writeStringProperty("op", "unset");
				writeOperationKey(gen, operation);
				gen.writeName("f");
				gen.writeStartArray();
				for (String field : unset.fields()) {
					gen.writeString(field);
				}
				gen.writeEndArray();
			}
			else {
				gen.writeStringProperty("op", "delete");
				writeOperationKey(gen, operation);
			}
			gen.writeEndObject();
		}
		gen.writeEndArray();
	}

	private static void writeOperationKey(JsonGenerator gen, Operation operation) {
		gen.writeStringProperty("c", operation.collection());
		gen.writeStringProperty("id", operation.id());
		gen.writeNumberProperty("ts", operation.timestamp());
	}

	private void writeState(JsonGenerator gen, DocumentState state) {
		String encoded = state.encoding();
		if (encoded != null) {
			gen.writeRawValue(encoded);
			return;
		}
		gen.writeStartObject();
		gen.writeStringProperty("c", state.key().collection());
		gen.writeStringProperty("id", state.key().id());
		gen.writeBooleanProperty("p", state.isPresent());
		gen.writeName("e");
		writeStamp(gen, state.existence());
		gen.writeName("r");
		writeStamp(gen, state.replaced());
		gen.writeName("f");
		gen.writeStartObject();
		for (Map.Entry<String, FieldRegister> entry : state.registers().entrySet()) {
			gen.writeName(entry.getKey());
			gen.writeStartObject();
			gen.writeName("s");
			writeStamp(gen, entry.getValue().stamp());
			if (entry.getValue().unset()) {
				gen.writeBooleanProperty("u", true);
			}
			else {
				gen.writeName("v");
				writeValue(gen, entry.getValue().value());
			}
			gen.writeEndObject();
		}
		gen.writeEndObject();
		gen.writeEndObject();
	}

	private static void writeStamp(JsonGenerator gen, Stamp stamp) {
		gen.writeStartArray();
		gen.writeNumber(stamp.timestamp());
		gen.writeNumber(stamp.fileId());
		gen.writeEndArray();
	}

	private void writeValue(JsonGenerator gen, Object value) {
		if (value == null) {
			gen.writeNull();
		}
		else if (value instanceof String s) {
			gen.writeString(s);
		}
		else if (value instanceof Boolean b) {
			gen.writeBoolean(b);
		}
		else if (value instanceof Long l) {
			gen.writeNumber(l);
		}
		else if (value instanceof Double d) {
			gen.writeNumber(d);
		}
		else if (value instanceof Map<?, ?> map) {
			gen.writeStartObject();
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				gen.writeName((String) entry.getKey());
				writeValue(gen, entry.getValue());
			}
			gen.writeEndObject();
		}
		else if (value instanceof List<?> list) {
			gen.writeStartArray();
			for (Object element : list) {
				writeValue(gen, element);
			}
			gen.writeEndArray();
		}
		else {
			throw new IllegalArgumentException("not a normalized JSON value: " + value.getClass().getName());
		}
	}

}
