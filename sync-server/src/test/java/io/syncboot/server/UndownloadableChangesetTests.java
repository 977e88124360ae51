package io.syncboot.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.protocol.SyncProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upload within the message limit whose changeset, as the server stores and sends it, would not
 * fit in a download is refused (MESSAGE_TOO_BIG) and nothing of it is integrated: integrated, it
 * would reach every other client of the partition as a message their codec refuses, after every
 * reconnect. SyncBoot's client never sends one; another writer can, by spelling numbers short or by
 * filling its message to the limit.
 */
class UndownloadableChangesetTests {

	private static final int LIMIT = SyncProtocol.DEFAULT_MAX_MESSAGE_BYTES;

	@TempDir
	Path dataDirectory;

	/** An upload of one changeset: {@code docs} puts, each of one array field filled with {@code element}. */
	private static String upload(int docs, String element, int targetChars) {
		StringBuilder upload = new StringBuilder(targetChars + 1024);
		upload.append("{\"type\":\"upload\",\"session\":1,\"changesets\":[{\"clientVersion\":1,\"baseServerVersion\":0,\"ops\":[");
		int perDoc = (targetChars - 2_000) / docs;
		for (int d = 0; d < docs; d++) {
			upload.append((d > 0) ? "," : "").append("{\"op\":\"put\",\"c\":\"t\",\"id\":\"d").append(d)
				.append("\",\"ts\":").append(d + 1).append(",\"f\":{\"a\":[").append(element);
			int start = upload.length();
			while (upload.length() - start < perDoc - 60) {
				upload.append(',').append(element);
			}
			upload.append("]}}");
		}
		return upload.append("]}]}").toString();
	}

	/** Sends an upload of a fresh session within the message limit and returns the refusal. */
	private static SyncMessage.Error refusedUpload(SyncServer server, String text) {
		assertThat(MessageCodec.utf8Length(text)).isLessThanOrEqualTo(LIMIT);
		try (RawSyncClient client = new RawSyncClient(server.url())) {
			client.bindNew(1, "shared");
			client.expect(SyncMessage.Download.class);
			client.sendText(text);
			SyncMessage.Error error = client.expect(SyncMessage.Error.class);
			assertThat(error.code()).isEqualTo(ErrorCode.MESSAGE_TOO_BIG);
			assertThat(client.awaitCloseCode()).isEqualTo(SyncProtocol.CLOSE_PROTOCOL_ERROR);
			return error;
		}
	}

	@Test
	void numbersAreCountedAsTheServerStoresThem() {
		// on Java 17, 2e23 is stored as 1.9999999999999998E23: more than five times its spelling, so a
		// message of a third of the limit already holds too much (a later Java stores 2.0E23)
		String text = upload(16, "2e23", (LIMIT - SyncProtocol.ENVELOPE_BYTES) / 3 - 4_000);
		long stored = MessageCodec.utf8Length(new MessageCodec().encodeOperations(
				((SyncMessage.Upload) MessageCodec.rejectingUnknownFields(LIMIT).decode(text)).changesets()
					.get(0)
					.operations()));
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.dataDirectory).allowAnonymous()
			.build().start(); RawSyncClient writer = new RawSyncClient(server.url())) {
			writer.bindNew(1, "shared");
			writer.expect(SyncMessage.Download.class);
			writer.sendText(text);
			if (stored > LIMIT - SyncProtocol.ENVELOPE_BYTES) {
				assertThat(writer.expect(SyncMessage.Error.class).code()).isEqualTo(ErrorCode.MESSAGE_TOO_BIG);
			}
			else {
				assertThat(writer.expect(SyncMessage.Download.class).uploadAck()).isEqualTo(1);
			}
		}
	}

	@Test
	void anUploadThatWouldMakeADownloadTooBigIsRefusedAndTheOtherClientsGoOn() {
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.dataDirectory).allowAnonymous()
			.build().start(); RawSyncClient reader = new RawSyncClient(server.url());
				RawSyncClient writer = new RawSyncClient(server.url())) {
			reader.bindNew(1, "shared");
			reader.expect(SyncMessage.Download.class);

			// 1e6 is stored as 1000000.0: within the limit as sent, far beyond it as stored
			SyncMessage.Error error = refusedUpload(server, upload(16, "1e6", LIMIT - 1_000));
			assertThat(error.message()).contains("more than a download can carry");
			// a message filled to the limit: its changeset alone leaves no room for a download's envelope
			refusedUpload(server, upload(16, "12345678", LIMIT - 10));

			// a large upload that a download can carry is integrated (it is encoded to be checked)
			writer.bindNew(1, "shared");
			writer.expect(SyncMessage.Download.class);
			writer.sendText(upload(4, "12345678", LIMIT / 2));
			assertThat(writer.expect(SyncMessage.Download.class).uploadAck()).isEqualTo(1);
			SyncMessage.Download large = reader.expect(SyncMessage.Download.class);
			assertThat(large.changesets()).extracting(ServerChangeset::serverVersion).containsExactly(1L);

			writer.upload(1, new Changeset(2, 1, List.of(new Operation.Put("t", "small", 100, Map.of("n", 1)))));
			SyncMessage.Download next = reader.expect(SyncMessage.Download.class);
			assertThat(next.changesets()).extracting(ServerChangeset::serverVersion)
				.as("nothing of the refused uploads was integrated")
				.containsExactly(2L);
		}
	}

}
