package io.syncboot.core.codec;

import java.util.ArrayList;
import java.util.List;

import io.syncboot.core.merge.DocumentState;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finds, in the text of a download message that was already decoded, the JSON text of each
 * document state and builds the JSON object of its visible fields from the raw value texts, so that
 * the decoded states can remember both ({@link DocumentState#rememberEncoding}) and a store can
 * write them without encoding them again. One streaming pass that only slices the message.
 *
 * <p>Stateless; any thread. Never fails: on anything unexpected it remembers nothing.
 */
final class DocumentStateTexts {

	private DocumentStateTexts() {
	}

	/**
	 * Lets each of {@code states} (decoded from the {@code documents} array of {@code text}, in
	 * order) remember its text and the text of its visible fields.
	 */
	static void remember(JsonMapper mapper, String text, List<DocumentState> states) {
		List<String[]> texts = new ArrayList<>(states.size());
		try (JsonParser parser = mapper.createParser(text)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return;
			}
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if ("documents".equals(name) && value == JsonToken.START_ARRAY) {
					while (parser.nextToken() == JsonToken.START_OBJECT) {
						texts.add(state(parser, text));
					}
					break;
				}
				parser.skipChildren();
			}
		}
		catch (RuntimeException ex) { // JacksonException included
			return;
		}
		if (texts.size() != states.size()) {
			return;
		}
		for (int i = 0; i < texts.size(); i++) {
			String[] pair = texts.get(i);
			DocumentState state = states.get(i);
			state.rememberEncoding(pair[0], state.isPresent() ? pair[1] : null);
		}
	}

	/** Reads one state object (the parser is on its start); returns its text and its visible fields' JSON. */
	private static String[] state(JsonParser parser, String text) {
		int start = offset(parser.currentTokenLocation().getCharOffset());
		String visible = null;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			JsonToken value = parser.nextToken();
			if ("f".equals(name) && value == JsonToken.START_OBJECT) {
				visible = visibleFields(parser, text);
			}
			else {
				parser.skipChildren();
			}
		}
		int end = offset(parser.currentLocation().getCharOffset());
		return new String[] { text.substring(start, end), visible };
	}

	/** Reads the field registers (the parser is on their start) into the JSON object of the set ones. */
	private static String visibleFields(JsonParser parser, String text) {
		StringBuilder out = new StringBuilder(128).append('{');
		boolean first = true;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String field = parser.currentName();
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw new IllegalStateException("field register is not an object");
			}
			String value = registerValue(parser, text);
			if (value != null) {
				if (!first) {
					out.append(',');
				}
				first = false;
				out.append('"');
				JsonStringEncoder.getInstance().quoteAsString(field, out);
				out.append("\":").append(value);
			}
		}
		return out.append('}').toString();
	}

	/** The raw text of a register's value, or null if it is unset (the parser is on its start). */
	private static @Nullable String registerValue(JsonParser parser, String text) {
		String value = null;
		boolean unset = false;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			JsonToken token = parser.nextToken();
			if ("v".equals(name)) {
				int start = offset(parser.currentTokenLocation().getCharOffset());
				if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
					parser.skipChildren();
				}
				else {
					parser.finishToken();
				}
				value = text.substring(start, offset(parser.currentLocation().getCharOffset()));
			}
			else if ("u".equals(name)) {
				unset = token == JsonToken.VALUE_TRUE;
			}
			else {
				parser.skipChildren();
			}
		}
		return unset ? null : value;
	}

	private static int offset(long offset) {
		if (offset < 0 || offset > Integer.MAX_VALUE) {
			throw new IllegalStateException("no character offset");
		}
		return (int) offset;
	}

}
