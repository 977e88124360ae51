package io.syncboot.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.HybridLogicalClock;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolAction;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.protocol.SyncProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Permissions on a real server: no read permission refuses the bind (232); a read-only user's
 * upload is acknowledged but not integrated, reverted by compensating writes, and reported (233);
 * other clients never see the rejected write.
 */
class PermissionTests {

	@TempDir
	static Path dataDirectory;

	static SyncServer server;

	private long clock = HybridLogicalClock.pack(System.currentTimeMillis(), 0);

	@BeforeAll
	static void startServer() {
		SyncPermissions rules = SyncPermissions.builder().readWrite("user-${sub}").read("catalog").build();
		server = SyncServer.builder()
			.port(0)
			.dataDirectory(dataDirectory)
			.hmacSecret(Tokens.SECRET)
			.permissions((subject, claims, partition) -> ("editor".equals(subject) && partition.equals("catalog"))
					? SyncPermissions.Access.READ_WRITE : rules.access(subject, claims, partition))
			.build()
			.start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	private static RawSyncClient connect(String user) {
		return new RawSyncClient(server.url(), Tokens.valid(user));
	}

	@Test
	void aUserCannotBindAnotherUsersPartition() {
		try (RawSyncClient alice = connect("alice")) {
			StoreRows before = StoreRows.of(dataDirectory);
			alice.send(new SyncMessage.Bind(1, "user-bob", true));
			SyncMessage.Error denied = alice.expect(SyncMessage.Error.class);
			assertThat(denied.session()).isEqualTo(1);
			assertThat(denied.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
			assertThat(denied.action()).isEqualTo(ProtocolAction.DELETE_DATABASE);
			assertThat(denied.tryAgain()).isFalse();
			alice.send(new SyncMessage.Bind(2, "no-rule-for-this", false));
			assertThat(alice.expect(SyncMessage.Error.class).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
			assertThat(StoreRows.of(dataDirectory)).as("no client file allocated").isEqualTo(before);
			alice.bindNew(3, "user-alice");
			assertThat(alice.expect(SyncMessage.Download.class).session()).as("the connection goes on").isEqualTo(3);
		}
	}

	@Test
	void refusedSessionsCountTowardTheConnectionsSessionLimitUntilUnbound() {
		try (RawSyncClient alice = connect("alice")) {
			for (int session = 1; session <= 1000; session++) {
				alice.send(new SyncMessage.Bind(session, "user-bob", false));
				assertThat(alice.expect(SyncMessage.Error.class).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
			}
			// never unbound, each refused id stays remembered: no more than the session limit of them
			alice.send(new SyncMessage.Bind(1001, "user-bob", false));
			assertThat(alice.expect(SyncMessage.Error.class).code()).isEqualTo(ErrorCode.TOO_MANY_SESSIONS);
		}
		try (RawSyncClient carol = connect("carol")) {
			for (int session = 1; session <= 1100; session++) {
				carol.send(new SyncMessage.Bind(session, "user-bob", false));
				assertThat(carol.expect(SyncMessage.Error.class).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
				carol.send(new SyncMessage.Unbind(session));
				assertThat(carol.expect(SyncMessage.Unbind.class).session()).isEqualTo(session);
			}
			carol.bindNew(2000, "user-carol");
			assertThat(carol.expect(SyncMessage.Download.class).session()).as("the connection goes on").isEqualTo(2000);
		}
	}

	@Test
	void aReadOnlyUsersWriteIsRejectedRevertedAndNeverReachesOthers() throws Exception {
		try (RawSyncClient editor = connect("editor"); RawSyncClient alice = connect("alice");
				RawSyncClient bob = connect("bob")) {
			RawSyncClient.Identity editorFile = editor.bindNew(1, "catalog");
			editor.expect(SyncMessage.Download.class);
			editor.upload(1, new Changeset(1, 0, List.of(put("item1", Map.of("name", "Pen", "price", 1)),
					put("item2", Map.of("name", "Ink")))));
			assertThat(editor.expect(SyncMessage.Download.class).uploadAck()).isEqualTo(1);

			Replica aliceReplica = new Replica();
			RawSyncClient.Identity aliceFile = alice.bindNew(1, "catalog");
			aliceReplica.syncUntilMark(alice, 1, 1);
			Replica bobReplica = new Replica();
			bob.bindNew(1, "catalog");
			bobReplica.syncUntilMark(bob, 1, 1);
			Map<DocumentKey, Map<String, Object>> original = aliceReplica.visible();
			assertThat(original).hasSize(2);
			assertThat(bobReplica.visible()).isEqualTo(original);
			StoreRows before = StoreRows.of(dataDirectory);

			// alice's clock runs an hour ahead: the compensation must still win
			this.clock = HybridLogicalClock.pack(System.currentTimeMillis() + 3_600_000, 0);
			Changeset forged = new Changeset(1, before.versions(), List.of(
					new Operation.Update("tasks", "item1", ++this.clock, Map.of("price", 0)),
					new Operation.Delete("tasks", "item2", ++this.clock),
					put("item3", Map.of("name", "Forged")),
					new Operation.Unset("tasks", "item1", ++this.clock, Set.of("name"))));
			aliceReplica.apply(forged.operations(), aliceFile.fileId());
			assertThat(aliceReplica.visible()).isNotEqualTo(original);
			alice.upload(1, forged);

			List<SyncMessage.Download> downloads = new ArrayList<>();
			SyncMessage message;
			while (!((message = alice.next()) instanceof SyncMessage.Error)) {
				downloads.add((SyncMessage.Download) message);
			}
			SyncMessage.Error rejected = (SyncMessage.Error) message;
			assertThat(rejected.code()).isEqualTo(ErrorCode.WRITE_REJECTED);
			assertThat(rejected.session()).isEqualTo(1);
			assertThat(rejected.tryAgain()).isTrue();
			assertThat(rejected.documents()).containsExactly("tasks/item1", "tasks/item2", "tasks/item3");
			assertThat(downloads).isNotEmpty();
			assertThat(downloads.get(downloads.size() - 1).uploadAck()).as("the outbox is trimmed").isEqualTo(1);
			List<ServerChangeset> compensation = downloads.stream().flatMap(d -> d.changesets().stream()).toList();
			assertThat(compensation).hasSize(1);
			assertThat(compensation.get(0).originFileId()).isNotIn(aliceFile.fileId(), editorFile.fileId());
			downloads.forEach(aliceReplica::apply);
			assertThat(aliceReplica.visible()).as("alice's replica is reverted").isEqualTo(original);

			bobReplica.syncUntilMark(bob, 1, 2);
			assertThat(bobReplica.received).as("bob never sees alice's write")
				.allSatisfy(changeset -> assertThat(changeset.originFileId()).isNotEqualTo(aliceFile.fileId()));
			assertThat(bobReplica.visible()).isEqualTo(original);
			assertThat(bobReplica.states).as("every replica converges to the same registers")
				.isEqualTo(aliceReplica.states);

			StoreRows after = StoreRows.of(dataDirectory);
			assertThat(after.history()).as("only the compensation enters the history").isEqualTo(before.history() + 1);

			// the ack got lost, say: the same upload comes again
			alice.upload(1, forged);
			alice.send(new SyncMessage.Mark(1, 5));
			assertThat(alice.next()).as("a re-sent rejected upload is not warned about again")
				.isEqualTo(new SyncMessage.Mark(1, 5));
			assertThat(StoreRows.of(dataDirectory)).as("a re-sent upload is not compensated twice").isEqualTo(after);
			// and again with a new changeset: only the new one is rejected now, and named
			alice.upload(1, forged, new Changeset(2, before.versions(), List.of(put("item4", Map.of("name", "New")))));
			List<SyncMessage.Download> again = new ArrayList<>();
			while (!((message = alice.next()) instanceof SyncMessage.Error)) {
				again.add((SyncMessage.Download) message);
			}
			assertThat(((SyncMessage.Error) message).documents()).containsExactly("tasks/item4");
			assertThat(again.get(again.size() - 1).uploadAck()).isEqualTo(2);
			alice.send(new SyncMessage.Mark(1, 6));
			assertThat(alice.next()).as("one warning only").isEqualTo(new SyncMessage.Mark(1, 6));

			// the editor's clock has observed the compensation it downloaded
			this.clock = Math.max(this.clock, compensation.get(0).operations().get(compensation.get(0).operations().size() - 1).timestamp());
			editor.upload(1, new Changeset(2, 0, List.of(new Operation.Update("tasks", "item1", ++this.clock,
					Map.of("price", 2)))));
			SyncMessage fromServer;
			while (!((fromServer = editor.next()) instanceof SyncMessage.Download download && download.uploadAck() == 2)) {
				assertThat(fromServer).isInstanceOf(SyncMessage.Download.class);
			}
			bobReplica.syncUntilMark(bob, 1, 3);
			assertThat(bobReplica.visible().get(new DocumentKey("tasks", "item1"))).containsEntry("price", 2L);
		}
	}

	private Operation put(String id, Map<String, Object> fields) {
		return new Operation.Put("tasks", id, ++this.clock, fields);
	}

	/** A replica's document states, merged from what the server sends. */
	private static final class Replica {

		final Map<DocumentKey, DocumentState> states = new HashMap<>();

		final List<ServerChangeset> received = new ArrayList<>();

		void apply(List<Operation> operations, long fileId) {
			for (Operation operation : operations) {
				this.states.computeIfAbsent(new DocumentKey(operation.collection(), operation.id()), DocumentState::new)
					.apply(operation, fileId);
			}
		}

		void apply(SyncMessage.Download download) {
			for (DocumentState state : download.documents()) {
				this.states.computeIfAbsent(state.key(), DocumentState::new).merge(state);
			}
			for (ServerChangeset changeset : download.changesets()) {
				this.received.add(changeset);
				apply(changeset.operations(), changeset.originFileId());
			}
		}

		/** Sends a mark and applies every download until it comes back. */
		void syncUntilMark(RawSyncClient client, long session, long requestId) {
			client.send(new SyncMessage.Mark(session, requestId));
			SyncMessage message;
			while (!((message = client.next()) instanceof SyncMessage.Mark)) {
				apply((SyncMessage.Download) message);
			}
		}

		Map<DocumentKey, Map<String, Object>> visible() {
			Map<DocumentKey, Map<String, Object>> visible = new HashMap<>();
			this.states.forEach((key, state) -> {
				if (state.isPresent()) {
					visible.put(key, state.visibleFields());
				}
			});
			return visible;
		}

	}

	@Test
	void theCompensationOfAReadOnlyWriteToLargeDocumentsComesInDownloadsItsReadersAccept(@TempDir Path directory) {
		String quarter = "q".repeat(SyncProtocol.DEFAULT_MAX_MESSAGE_BYTES / 4);
		try (SyncServer own = SyncServer.builder().port(0).dataDirectory(directory).hmacSecret(Tokens.SECRET)
			.permissions((subject, claims, partition) -> "editor".equals(subject) ? SyncPermissions.Access.READ_WRITE
					: SyncPermissions.Access.READ)
			.build()
			.start();
				RawSyncClient editor = new RawSyncClient(own.url(), Tokens.valid("editor"));
				RawSyncClient reader = new RawSyncClient(own.url(), Tokens.valid("reader"));
				RawSyncClient viewer = new RawSyncClient(own.url(), Tokens.valid("viewer"))) {
			editor.bindNew(1, "catalog");
			editor.expect(SyncMessage.Download.class);
			for (int i = 1; i <= 5; i++) {
				editor.upload(1, new Changeset(i, 0, List.of(new Operation.Put("items", "big-" + i, 1_000 + i,
						Map.of("text", quarter)))));
				assertThat(editor.expect(SyncMessage.Download.class).uploadAck()).isEqualTo(i);
			}
			long written = reader.bindNew(1, "catalog").fileId();
			while (reader.expect(SyncMessage.Download.class).remainingBytes() > 0) {
				// the bootstrap, in batches
			}
			viewer.bindNew(1, "catalog");
			while (viewer.expect(SyncMessage.Download.class).remainingBytes() > 0) {
				// the bootstrap, in batches
			}
			int seen = reader.rawTexts().size();
			// a read-only user deletes the five documents: the server puts them back, 5 x 4 MiB
			List<Operation> deletes = new ArrayList<>();
			for (int i = 1; i <= 5; i++) {
				deletes.add(new Operation.Delete("items", "big-" + i, 2_000 + i));
			}
			viewer.upload(1, new Changeset(1, 0, deletes));
			// the writer is warned once every changeset of the compensation has reached it
			Set<String> revertedForViewer = new HashSet<>();
			SyncMessage message;
			while (!((message = viewer.next()) instanceof SyncMessage.Error)) {
				((SyncMessage.Download) message).changesets()
					.forEach(changeset -> changeset.operations().forEach(operation -> revertedForViewer.add(operation.id())));
			}
			assertThat(((SyncMessage.Error) message).code()).isEqualTo(ErrorCode.WRITE_REJECTED);
			assertThat(revertedForViewer).hasSize(5);
			Set<String> restored = new HashSet<>();
			while (restored.size() < 5) {
				reader.expect(SyncMessage.Download.class).changesets()
					.forEach(changeset -> changeset.operations().forEach(operation -> restored.add(operation.id())));
			}
			assertThat(restored).hasSize(5);
			assertThat(written).isPositive();
			assertThat(reader.rawTexts().subList(seen, reader.rawTexts().size()))
				.as("every download fits in a message its reader accepts")
				.allSatisfy(text -> assertThat(MessageCodec.utf8Length(text))
					.isLessThanOrEqualTo(SyncProtocol.DEFAULT_MAX_MESSAGE_BYTES));
		}
	}

}
