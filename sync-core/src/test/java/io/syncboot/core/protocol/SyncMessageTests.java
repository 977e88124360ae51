package io.syncboot.core.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SyncMessageTests {

	private static final List<Operation> OPS = List.of(new Operation.Delete("tasks", "t1", 5));

	private static void assertRejected(ErrorCode code, String message, Executable executable) {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(executable::execute)
			.withMessageContaining(message)
			.satisfies(ex -> assertThat(ex.code()).isEqualTo(code));
	}

	@Test
	void bindChecksThePartitionWithItsOwnCode() {
		assertThat(new SyncMessage.Bind(1, "store-42", true).partition()).isEqualTo("store-42");
		assertRejected(ErrorCode.BAD_PARTITION, "invalid partition", () -> new SyncMessage.Bind(1, "../x", false));
		assertRejected(ErrorCode.BAD_PARTITION, "must not be null", () -> new SyncMessage.Bind(1, null, false));
		assertRejected(ErrorCode.MALFORMED_MESSAGE, "session id must be >= 1, was 0",
				() -> new SyncMessage.Bind(0, "p", false));
	}

	@Test
	void identChecksFileIdAndCursor() {
		assertThat(new SyncMessage.Ident(1, 7, -3, 0, 0, 0).fileSalt()).isEqualTo(-3);
		assertThat(new SyncMessage.Ident(1, 7, -3, 4, -9, 0).downloadServerVersionSalt()).isEqualTo(-9);
		assertRejected(ErrorCode.MALFORMED_MESSAGE, "clientFileId must be >= 1, was 0",
				() -> new SyncMessage.Ident(1, 0, 1, 0, 0, 0));
		assertRejected(ErrorCode.MALFORMED_MESSAGE, "downloadServerVersion must be >= 0, was -1",
				() -> new SyncMessage.Ident(1, 1, 1, -1, 0, 0));
		assertRejected(ErrorCode.MALFORMED_MESSAGE, "downloadServerVersionSalt must be 0 at server version 0, was 5",
				() -> new SyncMessage.Ident(1, 1, 1, 0, 5, 0));
	}

	@Test
	void uploadNeedsIncreasingClientVersions() {
		List<Changeset> changesets = new ArrayList<>(List.of(new Changeset(1, 0, OPS), new Changeset(3, 0, OPS)));
		SyncMessage.Upload upload = new SyncMessage.Upload(1, changesets);
		changesets.clear();
		assertThat(upload.changesets()).hasSize(2);
		assertThat(new SyncMessage.Upload(1, List.of()).changesets()).isEmpty();
		assertRejected(ErrorCode.BAD_CLIENT_VERSION, "client versions must increase, 2 follows 2",
				() -> new SyncMessage.Upload(1, List.of(new Changeset(2, 0, OPS), new Changeset(2, 0, OPS))));
		assertRejected(ErrorCode.BAD_CLIENT_VERSION, "1 follows 2",
				() -> new SyncMessage.Upload(1, List.of(new Changeset(2, 0, OPS), new Changeset(1, 0, OPS))));
	}

	@Test
	void downloadNeedsOrderedServerVersionsUpToTheCursor() {
		DocumentState state = DocumentState.of(new Operation.Put("tasks", "t1", 5, Map.of()), 1);
		SyncMessage.Download download = new SyncMessage.Download(1, 4, 44, 0, 0,
				List.of(new ServerChangeset(2, 1, 1, OPS), new ServerChangeset(4, 1, 2, OPS)), List.of(state));
		assertThat(download.documents()).containsExactly(state);
		assertRejected(ErrorCode.BAD_SERVER_VERSION, "beyond the cursor 3",
				() -> new SyncMessage.Download(1, 3, 0, 0, 0, List.of(new ServerChangeset(4, 1, 1, OPS)), List.of()));
		assertRejected(ErrorCode.BAD_SERVER_VERSION, "out of order",
				() -> new SyncMessage.Download(1, 9, 0, 0, 0,
						List.of(new ServerChangeset(4, 1, 1, OPS), new ServerChangeset(4, 1, 2, OPS)), List.of()));
		assertRejected(ErrorCode.MALFORMED_MESSAGE, "serverVersion must be >= 0",
				() -> new SyncMessage.Download(1, -1, 0, 0, 0, List.of(), List.of()));
		assertRejected(ErrorCode.MALFORMED_MESSAGE, "serverVersionSalt must be 0 at server version 0, was 3",
				() -> new SyncMessage.Download(1, 0, 3, 0, 0, List.of(), List.of()));
		assertRejected(ErrorCode.MALFORMED_MESSAGE, "uploadAck must be >= 0",
				() -> new SyncMessage.Download(1, 0, 0, -1, 0, List.of(), List.of()));
		assertRejected(ErrorCode.MALFORMED_MESSAGE, "remainingBytes must be >= 0",
				() -> new SyncMessage.Download(1, 0, 0, 0, -1, List.of(), List.of()));
		assertThat(new DocumentKey("tasks", "t1")).isEqualTo(state.key());
	}

	@Test
	void errorDefaultsAndChecks() {
		SyncMessage.Error fatal = new SyncMessage.Error(0, ErrorCode.MALFORMED_MESSAGE, "bad");
		assertThat(fatal.tryAgain()).isFalse();
		assertThat(fatal.backoffMillis()).isZero();
		assertThat(fatal.documents()).isEmpty();
		assertThat(fatal.action()).isEqualTo(ProtocolAction.PROTOCOL_VIOLATION);
		assertThat(new SyncMessage.Error(3, ErrorCode.SLOW_CONSUMER, "slow").tryAgain()).isTrue();
		assertRejected(ErrorCode.MALFORMED_MESSAGE, "needs a code and a message",
				() -> new SyncMessage.Error(1, null, "x", false, 0, List.of()));
		assertRejected(ErrorCode.MALFORMED_MESSAGE, "needs a code and a message",
				() -> new SyncMessage.Error(1, ErrorCode.INTERNAL_ERROR, null, false, 0, List.of()));
		assertRejected(ErrorCode.MALFORMED_MESSAGE, "session must be >= 0",
				() -> new SyncMessage.Error(-1, ErrorCode.INTERNAL_ERROR, "x", false, 0, List.of()));
		assertRejected(ErrorCode.MALFORMED_MESSAGE, "backoffMillis must be >= 0",
				() -> new SyncMessage.Error(1, ErrorCode.INTERNAL_ERROR, "x", true, -5, List.of()));
		// an error quoting what a peer sent (cut in the middle of a pair) still has a UTF-8 form
		assertThat(new SyncMessage.Error(1, ErrorCode.MALFORMED_MESSAGE, "unknown field 'x\ud83d'").message())
			.isEqualTo("unknown field 'x\ufffd'");
	}

	@Test
	void markAndUnbindCheckTheirFields() {
		assertRejected(ErrorCode.MALFORMED_MESSAGE, "requestId must be >= 0", () -> new SyncMessage.Mark(1, -1));
		assertRejected(ErrorCode.MALFORMED_MESSAGE, "session id must be >= 1", () -> new SyncMessage.Unbind(-4));
	}

	@Test
	void sessionIdOfEveryKind() {
		assertThat(new SyncMessage.Bind(2, "p", false).sessionId()).isEqualTo(2);
		assertThat(new SyncMessage.Ident(3, 1, 0, 0, 0, 0).sessionId()).isEqualTo(3);
		assertThat(new SyncMessage.Upload(4, List.of()).sessionId()).isEqualTo(4);
		assertThat(new SyncMessage.Download(5, 0, 0, 0, 0, List.of(), List.of()).sessionId()).isEqualTo(5);
		assertThat(new SyncMessage.Mark(6, 0).sessionId()).isEqualTo(6);
		assertThat(new SyncMessage.Unbind(7).sessionId()).isEqualTo(7);
		assertThat(new SyncMessage.Error(8, ErrorCode.INTERNAL_ERROR, "x").sessionId()).isEqualTo(8);
		assertThat(new SyncMessage.Ping(99).sessionId()).isZero();
		assertThat(new SyncMessage.Pong(99).sessionId()).isZero();
	}

	@Test
	void protocolConstants() {
		assertThat(SyncProtocol.SUBPROTOCOL).isEqualTo("io.syncboot.sync#1");
		assertThat(SyncProtocol.DEFAULT_MAX_MESSAGE_BYTES).isEqualTo(16 * 1024 * 1024);
	}

}
