package io.syncboot.core.codec;

import java.util.ArrayList;
import java.util.List;

import io.syncboot.core.merge.DocumentState;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finds, in the text of a download message that was already decoded through a JSON tree (one not
 * in the field order {@link DownloadReader} reads), the JSON text of each document state, so that
 * the decoded states can remember it ({@link DocumentState#rememberEncoding}) and a store can write
 * them without encoding them again. One streaming pass that only slices the message.
 *
 * <p>Stateless; any thread. Never fails: on anything unexpected it remembers nothing.
 */
final class DocumentStateTexts {

	private DocumentStateTexts() {
	}

	/**
	 * Lets each of {@code states} (decoded from the {@code documents} array of {@code text}, in
	 * order) remember its text.
	 */
	static void remember(JsonMapper mapper, String text, List<DocumentState> states) {
		List<String> texts = new ArrayList<>(states.size());
		try (JsonParser parser = mapper.createParser(text)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return;
			}
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if ("documents".equals(name) && value == JsonToken.START_ARRAY) {
					while (parser.nextToken() == JsonToken.START_OBJECT) {
						int start = offset(parser.currentTokenLocation().getCharOffset());
						parser.skipChildren();
						texts.add(text.substring(start, offset(parser.currentLocation().getCharOffset())));
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
			states.get(i).rememberEncoding(texts.get(i));
		}
	}

	private static int offset(long offset) {
		if (offset < 0 || offset > Integer.MAX_VALUE) {
			throw new IllegalStateException("no character offset");
		}
		return (int) offset;
	}

}
