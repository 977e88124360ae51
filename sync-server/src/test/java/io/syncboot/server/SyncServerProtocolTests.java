package io.syncboot.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.merge.ReplicaState;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.HybridLogicalClock;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolAction;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.protocol.SyncProtocol;
import io.syncboot.test.postgres.EmbeddedDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wire protocol against a real server on a free port, spoken by raw WebSocket clients: the same
 * suite on the embedded store and on PostgreSQL.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = { "sqlite", "postgresql" })
class SyncServerProtocolTests {

	private static final AtomicLong clock = new AtomicLong(1_000_000);

	@TempDir
	static Path dataDirectory;

	static SyncServer server;

	static EmbeddedDatabase database;

	@Parameter
	String backend;

	@BeforeParameterizedClassInvocation
	static void startServer(String backend) {
		SyncServer.Builder builder = SyncServer.builder().port(0).allowAnonymous();
		if (backend.equals("postgresql")) {
			database = EmbeddedDatabase.start();
			builder.jdbcUrl(database.createDatabase(), database.user(), database.password());
		}
		else {
			builder.dataDirectory(dataDirectory);
		}
		server = builder.build().start();
	}

	@AfterParameterizedClassInvocation
	static void stopServer() {
		server.close();
		if (database != null) {
			database.close();
			database = null;
		}
	}

	private static RawSyncClient connect() {
		return new RawSyncClient(server.url());
	}

	static Operation put(String id, Map<String, Object> fields) {
		return new Operation.Put("tasks", id, clock.incrementAndGet(), fields);
	}

	@Test
	void bindIdentUploadAndAcknowledge() {
		try (RawSyncClient client = connect()) {
			RawSyncClient.Identity identity = client.bindNew(1, "ack-p");
			assertThat(identity.fileId()).isPositive();
			assertThat(identity.serverSalt()).isNotZero();
			SyncMessage.Download first = client.expect(SyncMessage.Download.class);
			assertThat(first.serverVersion()).isZero();
			assertThat(first.uploadAck()).isZero();

			Changeset first1 = new Changeset(1, 0, List.of(put("t1", Map.of("title", "Count stock"))));
			client.upload(1, first1);
			SyncMessage.Download ack = client.expect(SyncMessage.Download.class);
			assertThat(ack.uploadAck()).isEqualTo(1);
			assertThat(ack.serverVersion()).as("the cursor moves past the client's own changeset").isEqualTo(1);
			assertThat(ack.changesets()).as("own changesets are not sent back").isEmpty();

			// exactly once: version 1 sent again (its ack lost) is skipped, version 2 is integrated as server version 2
			client.upload(1, first1, new Changeset(2, 1, List.of(put("t2", Map.of("title", "second")))));
			SyncMessage.Download ack2 = client.expect(SyncMessage.Download.class);
			assertThat(ack2.uploadAck()).isEqualTo(2);
			assertThat(ack2.serverVersion()).isEqualTo(2);

			client.send(new SyncMessage.Unbind(1));
			assertThat(client.expect(SyncMessage.Unbind.class).session()).isEqualTo(1);
		}
	}

	@Test
	void aClientVersionSentAgainWithOtherOperationsResetsTheSessionAndIntegratesNothingOfTheUpload() {
		try (RawSyncClient client = connect(); RawSyncClient copy = connect(); RawSyncClient reader = connect()) {
			RawSyncClient.Identity identity = client.bindNew(1, "copied-p");
			client.expect(SyncMessage.Download.class);
			Changeset shared = new Changeset(1, 0, List.of(put("t1", Map.of("title", "written before the copy"))));
			client.upload(1, shared, new Changeset(2, 0, List.of(put("t2", Map.of("title", "the original's")))));
			assertThat(client.downloadsUntil(d -> d.uploadAck() == 2)).isNotEmpty();

			// a copy of the file (same id and salt) holds the same client version 1 and its own 2 and 3
			copy.send(new SyncMessage.Bind(1, "copied-p", false));
			copy.send(new SyncMessage.Ident(1, identity.fileId(), identity.fileSalt(), 0, 0, identity.serverSalt()));
			SyncMessage.Download caughtUp = copy.expect(SyncMessage.Download.class);
			assertThat(caughtUp.uploadAck()).as("no ack for what this session did not send").isZero();
			assertThat(caughtUp.lastIntegratedClientVersion()).as("but the file's last integrated version").isEqualTo(2);
			copy.upload(1, shared, new Changeset(2, 0, List.of(put("t2", Map.of("title", "the copy's")))),
					new Changeset(3, 0, List.of(put("t3", Map.of("title", "the copy's")))));
			assertThat(copy.expect(SyncMessage.Download.class).uploadAck())
				.as("what the server has as sent is acknowledged first").isEqualTo(1);
			SyncMessage.Error error = copy.expect(SyncMessage.Error.class);
			assertThat(error.code()).isEqualTo(ErrorCode.DIVERGING_HISTORIES);
			assertThat(error.action()).isEqualTo(ProtocolAction.CLIENT_RESET);

			reader.bindNew(1, "copied-p");
			List<SyncMessage.Download> downloads = reader.downloadsUntil(d -> d.remainingBytes() == 0);
			assertThat(downloads.stream().flatMap(d -> d.documents().stream()))
				.extracting(state -> state.visibleFields().get("title"))
				.containsExactlyInAnyOrder("written before the copy", "the original's");
			assertThat(downloads.get(downloads.size() - 1).serverVersion()).isEqualTo(2);
		}
	}

	@Test
	void resumesFromCursorWithoutGapOrDuplicate() {
		RawSyncClient.Identity reader;
		long cursorSalt;
		try (RawSyncClient writer = connect(); RawSyncClient first = connect()) {
			writer.bindNew(1, "resume-p");
			writer.expect(SyncMessage.Download.class);
			reader = first.bindNew(1, "resume-p");
			first.expect(SyncMessage.Download.class);
			writer.upload(1, new Changeset(1, 0, List.of(put("a", Map.of("n", 1)))));
			SyncMessage.Download seen = first.expect(SyncMessage.Download.class);
			assertThat(seen.serverVersion()).isEqualTo(1);
			assertThat(seen.serverVersionSalt()).isNotZero();
			cursorSalt = seen.serverVersionSalt();
			first.close();
			writer.expect(SyncMessage.Download.class);
			writer.upload(1, new Changeset(2, 1, List.of(put("b", Map.of("n", 2)))));
			writer.expect(SyncMessage.Download.class);
		}
		try (RawSyncClient again = connect()) {
			again.send(new SyncMessage.Bind(7, "resume-p", false));
			again.send(new SyncMessage.Ident(7, reader.fileId(), reader.fileSalt(), 1, cursorSalt, reader.serverSalt()));
			SyncMessage.Download download = again.expect(SyncMessage.Download.class);
			assertThat(download.serverVersion()).isEqualTo(2);
			assertThat(download.changesets()).extracting(ServerChangeset::serverVersion).containsExactly(2L);
		}
	}

	@Test
	void fansOutToOtherSessionsOfThePartitionOnly() throws Exception {
		try (RawSyncClient a = connect(); RawSyncClient b = connect(); RawSyncClient c = connect()) {
			RawSyncClient.Identity writer = a.bindNew(1, "fan-p");
			a.expect(SyncMessage.Download.class);
			b.bindNew(5, "fan-p");
			b.expect(SyncMessage.Download.class);
			c.bindNew(1, "fan-other");
			c.expect(SyncMessage.Download.class);

			a.upload(1, new Changeset(1, 0, List.of(put("x", Map.of("v", "hello")))));
			assertThat(a.expect(SyncMessage.Download.class).uploadAck()).isEqualTo(1);
			SyncMessage.Download received = b.expect(SyncMessage.Download.class);
			assertThat(received.session()).isEqualTo(5);
			assertThat(received.serverVersion()).isEqualTo(1);
			assertThat(received.changesets()).singleElement().satisfies(changeset -> {
				assertThat(changeset.originFileId()).isEqualTo(writer.fileId());
				assertThat(changeset.clientVersion()).isEqualTo(1);
				assertThat(changeset.operations()).hasSize(1);
			});
			assertThat(c.isQuietFor(Duration.ofMillis(500))).as("another partition hears nothing").isTrue();

			b.send(new SyncMessage.Mark(5, 42));
			assertThat(b.expect(SyncMessage.Mark.class).requestId()).isEqualTo(42);
		}
	}

	@Test
	void answersPingWithPong() {
		try (RawSyncClient client = connect()) {
			client.send(new SyncMessage.Ping(12345));
			assertThat(client.expect(SyncMessage.Pong.class).timestamp()).isEqualTo(12345);
		}
	}

	@Test
	void bootstrapsAFreshClientFromASnapshotInBoundedBatches() {
		String partition = "bootstrap-p";
		ReplicaState expected = new ReplicaState();
		long writerFile;
		try (RawSyncClient writer = connect()) {
			writerFile = writer.bindNew(1, partition).fileId();
			writer.expect(SyncMessage.Download.class);
			long clientVersion = 0;
			for (int batch = 0; batch < 10; batch++) {
				List<Changeset> changesets = new ArrayList<>();
				for (int c = 0; c < 4; c++) {
					List<Operation> ops = new ArrayList<>();
					for (int i = 0; i < 250; i++) {
						int n = batch * 1000 + c * 250 + i;
						Map<String, Object> fields = new LinkedHashMap<>();
						fields.put("title", "document number " + n);
						fields.put("n", n);
						ops.add(put("doc-" + n, fields));
					}
					changesets.add(new Changeset(++clientVersion, 0, ops));
				}
				writer.send(new SyncMessage.Upload(1, changesets));
				assertThat(writer.expect(SyncMessage.Download.class).uploadAck()).isEqualTo(clientVersion);
				for (Changeset changeset : changesets) {
					changeset.operations().forEach(op -> expected.apply(op, writerFile));
				}
			}
			// one more update and one delete, so the snapshot carries merged states and a tombstone
			writer.upload(1, new Changeset(++clientVersion, 0, List.of(
					new Operation.Update("tasks", "doc-7", clock.incrementAndGet(), Map.of("title", "updated")),
					new Operation.Delete("tasks", "doc-8", clock.incrementAndGet()))));
			writer.expect(SyncMessage.Download.class);
			expected.apply(new Operation.Update("tasks", "doc-7", clock.get() - 1, Map.of("title", "updated")), writerFile);
			expected.apply(new Operation.Delete("tasks", "doc-8", clock.get()), writerFile);
		}
		try (RawSyncClient fresh = connect()) {
			fresh.bindNew(1, partition);
			List<SyncMessage.Download> downloads = fresh.downloadsUntil(d -> d.serverVersion() > 0);
			assertThat(downloads).hasSizeGreaterThan(3);
			assertThat(downloads.get(downloads.size() - 1).serverVersion()).isEqualTo(41);
			assertThat(downloads.subList(0, downloads.size() - 1)).allSatisfy(d -> assertThat(d.serverVersion()).isZero());
			assertThat(downloads).allSatisfy(d -> assertThat(d.changesets()).isEmpty());
			assertThat(fresh.rawTexts()).allSatisfy(text -> assertThat(text.length())
				.isLessThan(SyncProtocol.DEFAULT_BATCH_BYTES + 16 * 1024));
			assertThat(downloads.get(0).remainingBytes()).isPositive();
			ReplicaState replica = new ReplicaState();
			int documents = 0;
			for (SyncMessage.Download download : downloads) {
				for (DocumentState state : download.documents()) {
					replica.merge(state);
					documents++;
				}
			}
			assertThat(documents).isEqualTo(10_000);
			assertThat(replica.visibleDocuments()).hasSize(9_999);
			assertThat(replica).isEqualTo(expected);
			fresh.send(new SyncMessage.Mark(1, 1));
			assertThat(fresh.expect(SyncMessage.Mark.class).requestId()).isEqualTo(1);
		}
	}

	@Test
	void malformedJsonClosesThatConnectionOnly() {
		try (RawSyncClient bad = connect(); RawSyncClient good = connect()) {
			good.bindNew(1, "malformed-p");
			good.expect(SyncMessage.Download.class);
			bad.sendText("{\"type\":\"bind\", oops");
			SyncMessage.Error error = bad.expect(SyncMessage.Error.class);
			assertThat(error.session()).isZero();
			assertThat(error.code()).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
			assertThat(bad.awaitCloseCode()).isEqualTo(SyncProtocol.CLOSE_PROTOCOL_ERROR);

			good.upload(1, new Changeset(1, 0, List.of(put("still", Map.of("ok", true)))));
			assertThat(good.expect(SyncMessage.Download.class).uploadAck()).isEqualTo(1);
			good.send(new SyncMessage.Ping(7));
			assertThat(good.expect(SyncMessage.Pong.class).timestamp()).isEqualTo(7);
		}
	}

	@Test
	void anUploadStampedFarAheadOfTheServersClockIsRefusedAndNothingOfItIsIntegrated() {
		long now = System.currentTimeMillis();
		try (RawSyncClient reader = connect(); RawSyncClient writer = connect()) {
			reader.bindNew(1, "future-p");
			reader.expect(SyncMessage.Download.class);
			writer.bindNew(1, "future-p");
			writer.expect(SyncMessage.Download.class);
			// a device whose date is ten years off keeps syncing: integrated
			long tenYearsAhead = HybridLogicalClock.pack(now + Duration.ofDays(3_653).toMillis(), 0);
			writer.upload(1, new Changeset(1, 0, List.of(new Operation.Put("tasks", "d1", tenYearsAhead, Map.of("v", 1)))));
			assertThat(writer.expect(SyncMessage.Download.class).uploadAck()).isEqualTo(1);
			assertThat(reader.expect(SyncMessage.Download.class).changesets()).hasSize(1);

			writer.upload(1, new Changeset(2, 1, List.of(put("d2", Map.of("v", 1)),
					new Operation.Update("tasks", "d1", Long.MAX_VALUE, Map.of("v", 2)))));
			SyncMessage.Error error = writer.expect(SyncMessage.Error.class);
			assertThat(error.session()).isZero();
			assertThat(error.code()).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
			assertThat(error.message()).contains("tasks/d1").contains("ahead of the server's clock");
			assertThat(writer.awaitCloseCode()).isEqualTo(SyncProtocol.CLOSE_PROTOCOL_ERROR);
			try (RawSyncClient late = connect()) {
				late.bindNew(1, "future-p");
				late.expect(SyncMessage.Download.class);
				long overACenturyAhead = HybridLogicalClock.pack(now + SyncProtocol.MAX_CLOCK_AHEAD_MILLIS + 60_000, 0);
				late.upload(1, new Changeset(1, 0, List.of(new Operation.Delete("tasks", "d1", overACenturyAhead))));
				assertThat(late.expect(SyncMessage.Error.class).code()).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
			}

			reader.send(new SyncMessage.Mark(1, 9));
			assertThat(reader.next()).as("nothing of the refused uploads reached the partition")
				.isEqualTo(new SyncMessage.Mark(1, 9));
		}
	}

	@Test
	void identWithUnknownFileIdIsASessionErrorAndTheConnectionGoesOn() {
		try (RawSyncClient client = connect()) {
			RawSyncClient.Identity identity = client.bindNew(1, "ident-p");
			client.expect(SyncMessage.Download.class);
			client.send(new SyncMessage.Bind(2, "ident-p", false));
			client.send(new SyncMessage.Ident(2, 9_999_999, 1, 0, 0, 0));
			SyncMessage.Error error = client.expect(SyncMessage.Error.class);
			assertThat(error.session()).isEqualTo(2);
			assertThat(error.code()).isEqualTo(ErrorCode.BAD_CLIENT_FILE_ID);
			assertThat(error.code().number()).isEqualTo(208);

			client.send(new SyncMessage.Bind(3, "ident-p", false));
			client.send(new SyncMessage.Ident(3, identity.fileId(), identity.fileSalt(), 0, 0, identity.serverSalt() + 1));
			assertThat(client.expect(SyncMessage.Error.class).code()).isEqualTo(ErrorCode.DIVERGING_HISTORIES);

			client.send(new SyncMessage.Bind(4, "ident-other", false));
			client.send(new SyncMessage.Ident(4, identity.fileId(), identity.fileSalt(), 0, 0, identity.serverSalt()));
			assertThat(client.expect(SyncMessage.Error.class).code()).as("wrong partition")
				.isEqualTo(ErrorCode.BAD_CLIENT_FILE_ID);

			client.send(new SyncMessage.Bind(5, "ident-p", false));
			client.send(new SyncMessage.Ident(5, identity.fileId(), identity.fileSalt(), 99, 0, identity.serverSalt()));
			assertThat(client.expect(SyncMessage.Error.class).code()).isEqualTo(ErrorCode.BAD_SERVER_VERSION);

			client.send(new SyncMessage.Ping(1));
			assertThat(client.expect(SyncMessage.Pong.class).timestamp()).isEqualTo(1);
		}
	}

	@Test
	void aReleasedSessionIdIsRememberedOnlyUntilTheClientUnbindsIt() {
		try (RawSyncClient client = connect()) {
			client.send(new SyncMessage.Bind(1, "forget-p", false));
			client.send(new SyncMessage.Ident(1, 9_999_999, 1, 0, 0, 0));
			assertThat(client.expect(SyncMessage.Error.class).code()).isEqualTo(ErrorCode.BAD_CLIENT_FILE_ID);
			client.send(new SyncMessage.Mark(1, 5));
			client.send(new SyncMessage.Unbind(1));
			assertThat(client.expect(SyncMessage.Unbind.class).session()).as("in-flight mark ignored, unbind echoed")
				.isEqualTo(1);

			client.send(new SyncMessage.Mark(1, 6));
			SyncMessage.Error error = client.expect(SyncMessage.Error.class);
			assertThat(error.code()).as("nothing may follow the client's unbind").isEqualTo(ErrorCode.UNKNOWN_SESSION);
			assertThat(client.awaitCloseCode()).isEqualTo(SyncProtocol.CLOSE_PROTOCOL_ERROR);
		}
	}

	@Test
	void uploadBeforeIdentBreaksTheMessageOrder() {
		try (RawSyncClient client = connect()) {
			client.send(new SyncMessage.Bind(1, "order-p", false));
			client.upload(1, new Changeset(1, 0, List.of(put("early", Map.of("v", 1)))));
			assertThat(client.expect(SyncMessage.Error.class).code()).isEqualTo(ErrorCode.BAD_MESSAGE_ORDER);
			assertThat(client.awaitCloseCode()).isEqualTo(SyncProtocol.CLOSE_PROTOCOL_ERROR);
		}
	}

}
