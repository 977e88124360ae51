package io.syncboot.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.protocol.SyncProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write that would grow a document past what one download can carry
 * ({@link SyncProtocol#MAX_DOCUMENT_STATE_BYTES}) is rejected per changeset, like a write to a
 * read-only partition: acknowledged, not integrated, reverted by a compensating server changeset and
 * reported with {@code WRITE_REJECTED}; the connection and the upload's other changesets are not
 * affected.
 */
class OversizedDocumentTests {

	private static final String MEBIBYTE = "x".repeat(1024 * 1024);

	/** How many 1 MiB fields one document can hold. */
	private static final int PARTS = SyncProtocol.MAX_DOCUMENT_STATE_BYTES / MEBIBYTE.length();

	private static final DocumentKey BIG = new DocumentKey("notes", "big");

	@TempDir
	Path dataDirectory;

	private long clock = 1_000;

	/** Collects the downloads the client gets until an error arrives, and returns the error. */
	private static SyncMessage.Error downloadsUntilError(RawSyncClient client, List<SyncMessage.Download> downloads) {
		SyncMessage message;
		while (!((message = client.next()) instanceof SyncMessage.Error)) {
			downloads.add((SyncMessage.Download) message);
		}
		return (SyncMessage.Error) message;
	}

	private Operation part(int part) {
		Map<String, Object> fields = Map.of("part" + part, MEBIBYTE);
		return (part == 1) ? new Operation.Put("notes", "big", ++this.clock, fields)
				: new Operation.Update("notes", "big", ++this.clock, fields);
	}

	@Test
	void anUploadThatWouldGrowADocumentPastWhatADownloadCanCarryIsRejectedCompensatedAndReportedAndSyncingGoesOn() {
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.dataDirectory).allowAnonymous()
			.build().start();
				RawSyncClient writer = new RawSyncClient(server.url())) {
			long writerFile = writer.bindNew(1, "notes").fileId();
			writer.expect(SyncMessage.Download.class);
			DocumentState replica = new DocumentState(BIG);
			for (int version = 1; version <= PARTS; version++) {
				Changeset changeset = new Changeset(version, 0, List.of(part(version)));
				changeset.operations().forEach(operation -> replica.apply(operation, writerFile));
				writer.upload(1, changeset);
				SyncMessage.Download download = writer.expect(SyncMessage.Download.class);
				assertThat(download.uploadAck()).isEqualTo(version);
				assertThat(download.changesets()).isEmpty();
			}
			Map<String, Object> accepted = replica.visibleFields();
			assertThat(accepted).hasSize(PARTS);

			Changeset tooMuch = new Changeset(PARTS + 1, 0, List.of(part(PARTS + 1)));
			tooMuch.operations().forEach(operation -> replica.apply(operation, writerFile));
			writer.upload(1, tooMuch);
			List<SyncMessage.Download> downloads = new ArrayList<>();
			SyncMessage.Error error = downloadsUntilError(writer, downloads);
			assertThat(error.code()).isEqualTo(ErrorCode.WRITE_REJECTED);
			assertThat(error.session()).isEqualTo(1);
			assertThat(error.tryAgain()).as("a warning, not fatal").isTrue();
			assertThat(error.documents()).containsExactly("notes/big");
			assertThat(error.message()).contains(String.valueOf(SyncProtocol.MAX_DOCUMENT_STATE_BYTES));
			assertThat(downloads).isNotEmpty();
			assertThat(downloads.get(downloads.size() - 1).uploadAck()).as("the outbox is trimmed")
				.isEqualTo(PARTS + 1);
			List<ServerChangeset> compensation = downloads.stream().flatMap(d -> d.changesets().stream()).toList();
			assertThat(compensation).singleElement()
				.satisfies(changeset -> assertThat(changeset.originFileId()).isNotEqualTo(writerFile));
			compensation.forEach(changeset -> changeset.operations()
				.forEach(operation -> replica.apply(operation, changeset.originFileId())));
			assertThat(replica.visibleFields()).as("the writer's replica is reverted").isEqualTo(accepted);

			// the connection and the session go on
			writer.upload(1, new Changeset(PARTS + 2, 0,
					List.of(new Operation.Put("notes", "small", ++this.clock, Map.of("text", "hello")))));
			SyncMessage.Download acked = writer.expect(SyncMessage.Download.class);
			assertThat(acked.uploadAck()).isEqualTo(PARTS + 2);
			assertThat(acked.changesets()).isEmpty();

			try (RawSyncClient fresh = new RawSyncClient(server.url())) {
				fresh.bindNew(1, "notes");
				List<DocumentState> documents = fresh.downloadsUntil(download -> download.remainingBytes() == 0)
					.stream()
					.flatMap(download -> download.documents().stream())
					.toList();
				assertThat(documents).extracting(DocumentState::key)
					.containsExactlyInAnyOrder(BIG, new DocumentKey("notes", "small"));
				DocumentState big = documents.stream().filter(state -> state.key().equals(BIG)).findFirst().orElseThrow();
				assertThat(big.visibleFields()).isEqualTo(accepted).doesNotContainKey("part" + (PARTS + 1));
				assertThat(big.registers()).as("every replica converges to the same registers")
					.isEqualTo(replica.registers());
			}
		}
	}

	@Test
	void onlyTheOversizedChangesetOfAnUploadIsRejected() {
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.dataDirectory).allowAnonymous()
			.build().start();
				RawSyncClient writer = new RawSyncClient(server.url());
				RawSyncClient reader = new RawSyncClient(server.url())) {
			long writerFile = writer.bindNew(1, "notes").fileId();
			writer.expect(SyncMessage.Download.class);
			reader.bindNew(1, "notes");
			reader.expect(SyncMessage.Download.class);
			List<Changeset> filling = new ArrayList<>();
			for (int version = 1; version <= PARTS; version++) {
				filling.add(new Changeset(version, 0, List.of(part(version))));
			}
			// several changesets of one upload that fit: the document ends just below the limit
			writer.upload(1, filling.subList(0, PARTS / 2).toArray(Changeset[]::new));
			writer.downloadsUntil(download -> download.uploadAck() == PARTS / 2);
			writer.upload(1, filling.subList(PARTS / 2, PARTS).toArray(Changeset[]::new));
			writer.downloadsUntil(download -> download.uploadAck() == PARTS);

			Changeset fits = new Changeset(PARTS + 1, 0,
					List.of(new Operation.Put("notes", "other", ++this.clock, Map.of("text", "kept"))));
			Changeset tooMuch = new Changeset(PARTS + 2, 0, List.of(part(PARTS + 1)));
			writer.upload(1, fits, tooMuch);
			List<SyncMessage.Download> downloads = new ArrayList<>();
			SyncMessage.Error error = downloadsUntilError(writer, downloads);
			assertThat(error.code()).isEqualTo(ErrorCode.WRITE_REJECTED);
			assertThat(error.documents()).containsExactly("notes/big");
			assertThat(downloads.get(downloads.size() - 1).uploadAck()).isEqualTo(PARTS + 2);
			List<ServerChangeset> compensation = downloads.stream().flatMap(d -> d.changesets().stream()).toList();
			assertThat(compensation).singleElement()
				.satisfies(changeset -> assertThat(changeset.originFileId()).isNotEqualTo(writerFile));
			long compensationVersion = compensation.get(0).serverVersion();

			List<ServerChangeset> seen = reader
				.downloadsUntil(download -> download.serverVersion() >= compensationVersion)
				.stream()
				.flatMap(download -> download.changesets().stream())
				.toList();
			assertThat(seen).as("the reader gets the integrated changeset, then the compensation")
				.extracting(ServerChangeset::originFileId, ServerChangeset::clientVersion)
				.endsWith(org.assertj.core.groups.Tuple.tuple(writerFile, (long) PARTS + 1),
						org.assertj.core.groups.Tuple.tuple(compensation.get(0).originFileId(),
								compensation.get(0).clientVersion()));
			assertThat(seen).as("the rejected changeset reaches no one")
				.noneMatch(changeset -> changeset.originFileId() == writerFile
						&& changeset.clientVersion() == PARTS + 2);
			assertThat(seen.stream().filter(changeset -> changeset.originFileId() == writerFile))
				.extracting(ServerChangeset::clientVersion)
				.endsWith((long) PARTS + 1);
		}
	}

}
