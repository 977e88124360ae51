package io.syncboot.core.codec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.merge.FieldRegister;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.Stamp;
import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.testing.Generators;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Document states decoded from a download or a store remember their JSON text until they change;
 * encoding them again gives what a fresh encoding gives.
 */
class RememberedEncodingTests {

	private final MessageCodec codec = new MessageCodec();

	private static DocumentState fresh(DocumentState state) {
		return DocumentState.of(state.key(), state.existence(), state.isPresent(), state.replaced(), state.registers());
	}

	private static List<DocumentState> tricky() {
		Map<String, Object> nested = new LinkedHashMap<>();
		nested.put("street", "Hauptstraße 1 \"quoted\" \\ \u0001 😀");
		nested.put("geo", List.of(52.52, 13.405, -0.0, 1.0e-300));
		nested.put("zip", null);
		Map<String, FieldRegister> fields = new LinkedHashMap<>();
		Stamp put = new Stamp(1_000L << 16, 3);
		fields.put("address", FieldRegister.set(put, nested));
		fields.put("big", FieldRegister.set(put, Long.MIN_VALUE));
		fields.put("count", FieldRegister.set(put, 3L));
		fields.put("done", FieldRegister.set(put, true));
		fields.put("gone", FieldRegister.removed(new Stamp(put.timestamp() + 1, 4)));
		fields.put("nothing", FieldRegister.set(put, null));
		fields.put("price", FieldRegister.set(put, 2.5));
		fields.put("tags", FieldRegister.set(put, List.of("a", List.of(), Map.of(), List.of(true, 1L))));
		fields.put("title", FieldRegister.set(put, "Buy milk\n"));
		List<DocumentState> states = new ArrayList<>();
		states.add(DocumentState.of(new DocumentKey("c", "present"), put, true, put, fields));
		states.add(DocumentState.of(new DocumentKey("c", "deleted"), new Stamp(put.timestamp() + 2, 5), false, put,
				fields));
		states.add(DocumentState.of(new DocumentKey("c", "empty"), put, true, put, Map.of()));
		states.add(DocumentState.of(new DocumentKey("c", "only-unset"), Stamp.ZERO, false, Stamp.ZERO,
				Map.of("x", FieldRegister.removed(put))));
		return states;
	}

	@Test
	void downloadStatesRememberTheirText() {
		List<DocumentState> states = new ArrayList<>(tricky());
		states.addAll(Generators.documentStates(new Random(0x5EED8L), 400));
		String text = this.codec.encode(new SyncMessage.Download(1, 9, 0, 0, 0, List.of(), states));
		SyncMessage.Download decoded = (SyncMessage.Download) this.codec.decode(text);
		assertThat(decoded.documents()).isEqualTo(states);
		for (DocumentState state : decoded.documents()) {
			DocumentState unremembered = fresh(state);
			assertThat(state.encoding()).isNotNull();
			assertThat(state.encoding()).isEqualTo(this.codec.encodeDocumentState(unremembered));
			if (state.isPresent()) {
				assertThat(this.codec.encodeVisibleFields(state))
					.isEqualTo(this.codec.encodeFields(unremembered.visibleFields()));
			}
			else {
				assertThat(this.codec.encodeVisibleFields(state)).isNull();
			}
		}
		// encoding the decoded message again writes the remembered texts as they came
		assertThat(this.codec.encode(decoded)).isEqualTo(text);
	}

	@Test
	void aStateForgetsItsTextWhenItChanges() {
		DocumentState stored = tricky().get(0);
		DocumentState decoded = this.codec.decodeDocumentState(this.codec.encodeDocumentState(stored));
		assertThat(decoded.encoding()).isNotNull();
		DocumentState copy = decoded.copy();
		assertThat(copy.encoding()).isEqualTo(decoded.encoding());

		Operation later = new Operation.Update("c", "present", (2_000L << 16), Map.of("count", 4L));
		assertThat(decoded.apply(later, 7)).isTrue();
		assertThat(decoded.encoding()).isNull();
		assertThat(this.codec.decodeDocumentState(this.codec.encodeDocumentState(decoded))).isEqualTo(decoded);
		assertThat(this.codec.decodeFields(this.codec.encodeVisibleFields(decoded))).containsEntry("count", 4L);

		// a merge that changes nothing keeps the text
		assertThat(copy.merge(stored)).isFalse();
		assertThat(copy.encoding()).isNotNull();
		copy.reassignFileId(3, 8);
		assertThat(copy.encoding()).isNull();
	}

	@Test
	void aLazilyDecodedStateIsWrittenAsStoredAndDecodedWhenRead() {
		DocumentState stored = tricky().get(0);
		String text = this.codec.encodeDocumentState(stored);
		DocumentState lazy = this.codec.decodeDocumentStateLazily(stored.key(), text);
		assertThat(this.codec.encode(new SyncMessage.Download(1, 2, 0, 0, 0, List.of(), List.of(lazy))))
			.isEqualTo(this.codec.encode(new SyncMessage.Download(1, 2, 0, 0, 0, List.of(), List.of(stored))));
		assertThat(lazy).isEqualTo(stored);
		assertThat(lazy.visibleFields()).isEqualTo(stored.visibleFields());
		assertThat(lazy.latestStamp()).isEqualTo(stored.latestStamp());

		DocumentState other = this.codec.decodeDocumentStateLazily(new DocumentKey("c", "other"), text);
		assertThat(other.key()).isEqualTo(new DocumentKey("c", "other"));
		assertThatIllegalArgumentException().isThrownBy(other::isPresent);
		DocumentState corrupt = this.codec.decodeDocumentStateLazily(stored.key(), "{\"c\":");
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> corrupt.merge(stored));
	}

}
