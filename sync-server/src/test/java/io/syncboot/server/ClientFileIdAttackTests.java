package io.syncboot.server;

import java.nio.file.Path;
import java.time.Duration;
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
import io.syncboot.server.store.ChangesetBatch;
import io.syncboot.server.store.ClientFile;
import io.syncboot.server.store.SnapshotBatch;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile client, logged in as its own user with its own client file on a partition it may write,
 * tries to write as another user's client file: an upload, a changeset or an operation carrying the
 * victim's file id, an upload on a session that never sent its ident, and an ident naming the
 * victim's file (with and without its salt) with uploads pipelined right behind it. Each is refused
 * with the error {@code docs/errors.md} documents for it, nothing reaches the store, the victim's
 * data is untouched, and the victim, connected the whole time, keeps syncing.
 */
class ClientFileIdAttackTests {

	private static final String PARTITION = "shared";

	@TempDir
	static Path dataDirectory;

	static SyncServer server;

	static JdbcHistoryStore store;

	/** The victim, connected throughout. */
	static RawSyncClient alice;

	static RawSyncClient.Identity alices;

	static RawSyncClient.Identity mallorys;

	static long aliceVersion;

	static long clock = 1_000;

	@BeforeAll
	static void startServerAndVictim() {
		server = SyncServer.builder()
			.port(0)
			.dataDirectory(dataDirectory)
			.hmacSecret(Tokens.SECRET)
			.issuer(Tokens.ISSUER)
			.permissions(SyncPermissions.builder().readWrite(PARTITION).build())
			.build()
			.start();
		store = JdbcHistoryStore.sqliteBesideItsServer(dataDirectory);
		alice = new RawSyncClient(server.url(), Tokens.valid("alice"));
		alices = alice.bindNew(1, PARTITION);
		alice.expect(SyncMessage.Download.class);
		aliceWrites();
		try (RawSyncClient mallory = new RawSyncClient(server.url(), Tokens.valid("mallory"))) {
			mallorys = mallory.bindNew(1, PARTITION);
			mallory.expect(SyncMessage.Download.class);
		}
	}

	@AfterAll
	static void stop() {
		alice.close();
		store.close();
		server.close();
	}

	/** The victim uploads one more changeset and sees it acknowledged. */
	private static void aliceWrites() {
		long version = ++aliceVersion;
		alice.upload(1, new Changeset(version, 0,
				List.of(new Operation.Put("notes", "alice-" + version, ++clock, Map.of("by", "alice", "n", version)))));
		assertThat(alice.downloadsUntil(download -> download.uploadAck() >= version)).isNotEmpty();
	}

	/** A connection as mallory whose session 1 is bound and identified with mallory's own file. */
	private static RawSyncClient malloryConnected() {
		RawSyncClient mallory = new RawSyncClient(server.url(), Tokens.valid("mallory"));
		mallory.send(new SyncMessage.Bind(1, PARTITION, false));
		mallory.send(new SyncMessage.Ident(1, mallorys.fileId(), mallorys.fileSalt(), 0, 0, mallorys.serverSalt()));
		mallory.downloadsUntil(download -> download.remainingBytes() == 0);
		return mallory;
	}

	private static String op(String extra) {
		return "{\"op\":\"put\",\"c\":\"notes\",\"id\":\"alice-1\",\"ts\":" + (++clock) + ",\"f\":{\"by\":\"mallory\"}" + extra + "}";
	}

	/** The next client version of mallory's file: one the server would integrate, not skip. */
	private static long malloryNextVersion() {
		return store.findClientFile(mallorys.fileId()).orElseThrow().lastIntegratedClientVersion() + 1;
	}

	/** An upload frame that claims alice's file id in a field the protocol does not define. */
	private static String forgedUpload(String where) {
		long victim = alices.fileId();
		String changeset = "\"clientVersion\":" + malloryNextVersion() + ",\"baseServerVersion\":0";
		return switch (where) {
			case "upload: clientFileId" -> "{\"type\":\"upload\",\"session\":1,\"clientFileId\":" + victim
					+ ",\"changesets\":[{" + changeset + ",\"ops\":[" + op("") + "]}]}";
			case "upload: originFileId" -> "{\"type\":\"upload\",\"session\":1,\"originFileId\":" + victim
					+ ",\"changesets\":[{" + changeset + ",\"ops\":[" + op("") + "]}]}";
			case "changeset: originFileId" -> "{\"type\":\"upload\",\"session\":1,\"changesets\":[{" + changeset
					+ ",\"originFileId\":" + victim + ",\"ops\":[" + op("") + "]}]}";
			case "changeset: clientFileId" -> "{\"type\":\"upload\",\"session\":1,\"changesets\":[{" + changeset
					+ ",\"clientFileId\":" + victim + ",\"fileSalt\":" + alices.fileSalt() + ",\"ops\":[" + op("") + "]}]}";
			case "operation: fileId" -> "{\"type\":\"upload\",\"session\":1,\"changesets\":[{" + changeset + ",\"ops\":["
					+ op(",\"fileId\":" + victim) + "]}]}";
			case "operation: stamp" -> "{\"type\":\"upload\",\"session\":1,\"changesets\":[{" + changeset + ",\"ops\":["
					+ op(",\"s\":[" + (clock + 1_000_000) + "," + victim + "]") + "]}]}";
			default -> throw new IllegalArgumentException(where);
		};
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "upload: clientFileId", "upload: originFileId", "changeset: originFileId",
			"changeset: clientFileId", "operation: fileId", "operation: stamp" })
	void anUploadClaimingAnotherClientsFileIdIsRefusedAsMalformed(String where) {
		Stored before = Stored.now();
		try (RawSyncClient mallory = malloryConnected()) {
			mallory.sendText(forgedUpload(where));
			SyncMessage.Error error = mallory.expect(SyncMessage.Error.class);
			assertThat(error.code()).as(where).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
			assertThat(error.session()).isZero();
			assertThat(error.message()).as(where).contains("does not define");
			assertThat(mallory.awaitCloseCode()).isEqualTo(SyncProtocol.CLOSE_PROTOCOL_ERROR);
		}
		assertThat(Stored.now()).as("%s: nothing written", where).isEqualTo(before);
		aliceWrites();
	}

	@Test
	void theSameUploadWithoutTheForgedFieldIsIntegratedAsTheSendersOwn() {
		// the control for the test above: the frames differ only in the claimed field
		Stored before = Stored.now();
		try (RawSyncClient mallory = malloryConnected()) {
			mallory.sendText("{\"type\":\"upload\",\"session\":1,\"changesets\":[{\"clientVersion\":"
					+ malloryNextVersion() + ",\"baseServerVersion\":0,\"ops\":["
					+ "{\"op\":\"put\",\"c\":\"notes\",\"id\":\"mallory-own\",\"ts\":" + (++clock) + ",\"f\":{\"by\":\"mallory\"}}]}]}");
			assertThat(mallory.downloadsUntil(download -> download.uploadAck() > 0)).isNotEmpty();
		}
		Stored after = Stored.now();
		assertThat(after.history()).hasSize(before.history().size() + 1);
		assertThat(after.history().get(after.history().size() - 1).originFileId()).isEqualTo(mallorys.fileId());
		assertThat(after.aliceFile()).isEqualTo(before.aliceFile());
		aliceWrites();
	}

	@Test
	void anIdentNamingTheVictimsFileWithItsSaltIsRefusedAndPipelinedUploadsAreDropped() throws Exception {
		Stored before = Stored.now();
		try (RawSyncClient mallory = malloryConnected()) {
			mallory.send(new SyncMessage.Bind(2, PARTITION, false));
			mallory.send(new SyncMessage.Ident(2, alices.fileId(), alices.fileSalt(), 0, 0, alices.serverSalt()));
			mallory.upload(2, new Changeset(aliceVersion + 1, 0,
					List.of(new Operation.Put("notes", "alice-1", ++clock, Map.of("by", "mallory")))));
			mallory.upload(2, new Changeset(aliceVersion + 2, 0, List.of(new Operation.Delete("notes", "alice-1", ++clock))));
			SyncMessage.Error error = mallory.expect(SyncMessage.Error.class);
			assertThat(error.session()).isEqualTo(2);
			assertThat(error.code()).isEqualTo(ErrorCode.BAD_CLIENT_FILE_ID);
			assertThat(mallory.isQuietFor(Duration.ofMillis(500))).as("the pipelined uploads get no answer").isTrue();
			// the refused session is gone, the connection and mallory's own session go on
			mallory.send(new SyncMessage.Mark(1, 42));
			assertThat(mallory.expect(SyncMessage.Mark.class).requestId()).isEqualTo(42);
		}
		assertThat(Stored.now()).isEqualTo(before);
		aliceWrites();
	}

	@Test
	void anIdentNamingTheVictimsFileWithAGuessedSaltIsRefused() {
		Stored before = Stored.now();
		try (RawSyncClient mallory = malloryConnected()) {
			for (long guess = 0; guess < 20; guess++) {
				long session = 2 + guess;
				mallory.send(new SyncMessage.Bind(session, PARTITION, false));
				mallory.send(new SyncMessage.Ident(session, alices.fileId(), guess, 0, 0, 0));
				mallory.upload(session, new Changeset(aliceVersion + 1, 0, List.of(new Operation.Delete("notes", "alice-1", ++clock))));
				SyncMessage.Error error = mallory.expect(SyncMessage.Error.class);
				assertThat(error.session()).isEqualTo(session);
				assertThat(error.code()).isEqualTo(ErrorCode.BAD_CLIENT_FILE_ID);
			}
		}
		assertThat(Stored.now()).isEqualTo(before);
		aliceWrites();
	}

	@Test
	void anUploadOnASessionThatNeverSentItsIdentIsRefused() {
		Stored before = Stored.now();
		try (RawSyncClient mallory = malloryConnected()) {
			mallory.send(new SyncMessage.Bind(2, PARTITION, false));
			mallory.upload(2, new Changeset(aliceVersion + 1, 0, List.of(new Operation.Delete("notes", "alice-1", ++clock))));
			SyncMessage.Error error = mallory.expect(SyncMessage.Error.class);
			assertThat(error.code()).isEqualTo(ErrorCode.BAD_MESSAGE_ORDER);
			assertThat(mallory.awaitCloseCode()).isEqualTo(SyncProtocol.CLOSE_PROTOCOL_ERROR);
		}
		assertThat(Stored.now()).isEqualTo(before);
		aliceWrites();
	}

	/**
	 * What the store holds for the partition: its whole history, every document state, and alice's
	 * client file (its last integrated client version included).
	 */
	record Stored(List<ServerChangeset> history, List<DocumentState> documents, ClientFile aliceFile) {

		static Stored now() {
			List<ServerChangeset> history = new ArrayList<>();
			long after = 0;
			long latest = store.latestVersion(PARTITION);
			while (after < latest) {
				ChangesetBatch batch = store.changesetsAfter(PARTITION, after, 0, 1 << 20);
				history.addAll(batch.changesets());
				after = batch.scannedVersion();
			}
			List<DocumentState> documents = new ArrayList<>();
			DocumentKey next = null;
			do {
				SnapshotBatch batch = store.snapshot(PARTITION, next, 1 << 20);
				documents.addAll(batch.documents());
				next = batch.nextKey();
			}
			while (next != null);
			return new Stored(history, documents, store.findClientFile(alices.fileId()).orElseThrow());
		}

	}

}
