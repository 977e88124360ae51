package io.syncboot.server.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.merge.ReplicaState;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncProtocol;
import io.syncboot.server.store.ChangesetBatch;
import io.syncboot.server.store.ClientFile;
import io.syncboot.server.store.CompensationPlanner;
import io.syncboot.server.store.HistoryEntry;
import io.syncboot.server.store.Integration;
import io.syncboot.server.store.IntegrationResult;
import io.syncboot.server.store.SnapshotBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@link io.syncboot.server.store.HistoryStore} on a real database: one subclass per
 * backend ({@link SqliteHistoryStoreTests}, {@link PostgresHistoryStoreTests}).
 */
abstract class HistoryStoreContractTests {

	protected JdbcHistoryStore store;

	/** Opens the store under test (again, on the same database, when called a second time in a test). */
	protected abstract JdbcHistoryStore openStore();

	/** Runs one SQL statement on the store's database, on a connection of its own. */
	protected abstract void execute(String sql) throws Exception;

	private long clock = 1_000;

	@BeforeEach
	void open() {
		this.store = openStore();
	}

	@AfterEach
	void close() {
		this.store.close();
	}

	protected Changeset changeset(long clientVersion, Operation... ops) {
		return new Changeset(clientVersion, 0, List.of(ops));
	}

	protected Operation put(String id, Object value) {
		return new Operation.Put("tasks", id, ++this.clock, Map.of("v", value));
	}

	@Test
	void allocatesClientFilesWithSalts() {
		ClientFile first = this.store.allocateClientFile("p");
		ClientFile second = this.store.allocateClientFile("q");
		assertThat(first.fileId()).isNotEqualTo(second.fileId());
		assertThat(first.salt()).isNotZero();
		assertThat(this.store.findClientFile(first.fileId())).contains(first);
		assertThat(this.store.findClientFile(second.fileId()).orElseThrow().partition()).isEqualTo("q");
		assertThat(this.store.findClientFile(12345)).isEmpty();
	}

	@Test
	void integratesGapFreeVersionsAndMergesDocuments() {
		ClientFile a = this.store.allocateClientFile("p");
		ClientFile b = this.store.allocateClientFile("p");
		IntegrationResult first = this.store.integrate("p", a.fileId(),
				List.of(changeset(1, put("t1", "a1")), changeset(2, put("t2", "a2"))));
		IntegrationResult second = this.store.integrate("p", b.fileId(), List.of(changeset(1, put("t1", "b1"))));
		assertThat(first.integrated()).extracting(ServerChangeset::serverVersion).containsExactly(1L, 2L);
		assertThat(first.uploadAck()).isEqualTo(2);
		assertThat(second.integrated()).extracting(ServerChangeset::serverVersion).containsExactly(3L);
		assertThat(second.latestVersion()).isEqualTo(3);
		assertThat(this.store.latestVersion("p")).isEqualTo(3);
		assertThat(this.store.latestVersion("other")).isZero();

		SnapshotBatch snapshot = this.store.snapshot("p", null, 1_000_000);
		assertThat(snapshot.isLast()).isTrue();
		assertThat(snapshot.documents()).hasSize(2);
		assertThat(snapshot.documents().get(0).visibleFields()).isEqualTo(Map.of("v", "b1"));
	}

	@Test
	void skipsChangesetsAlreadyIntegrated() {
		ClientFile a = this.store.allocateClientFile("p");
		Changeset one = changeset(1, put("t1", 1));
		Changeset two = changeset(2, put("t2", 2));
		this.store.integrate("p", a.fileId(), List.of(one, two));
		IntegrationResult again = this.store.integrate("p", a.fileId(), List.of(two, changeset(3, put("t3", 3))));
		assertThat(again.skipped()).isEqualTo(1);
		assertThat(again.integrated()).extracting(ServerChangeset::clientVersion).containsExactly(3L);
		assertThat(again.integrated()).extracting(ServerChangeset::serverVersion).containsExactly(3L);
		IntegrationResult nothing = this.store.integrate("p", a.fileId(), List.of(one));
		assertThat(nothing.integrated()).isEmpty();
		assertThat(nothing.uploadAck()).as("what this upload sent, not the file's last").isEqualTo(1);
		assertThat(this.store.findClientFile(a.fileId()).orElseThrow().lastIntegratedClientVersion()).isEqualTo(3);
		assertThat(this.store.snapshot("p", null, 1_000_000).documents())
			.filteredOn(state -> state.key().id().equals("t2"))
			.singleElement()
			.satisfies(state -> assertThat(state.visibleFields()).isEqualTo(Map.of("v", 2L)));
	}

	@Test
	void aClientVersionSentAgainWithOtherOperationsIsRefusedAndNothingOfItsUploadIntegrated() {
		ClientFile a = this.store.allocateClientFile("p");
		this.store.integrate("p", a.fileId(), List.of(changeset(1, put("t1", "the original's"))));
		assertThatThrownBy(() -> this.store.integrate("p", a.fileId(),
				List.of(changeset(1, put("t1", "a copy's")), changeset(2, put("t2", "a copy's")))))
			.isInstanceOfSatisfying(ProtocolException.class,
					ex -> assertThat(ex.code()).isEqualTo(ErrorCode.DIVERGING_HISTORIES));
		assertThat(this.store.latestVersion("p")).isEqualTo(1);
		assertThat(this.store.findClientFile(a.fileId()).orElseThrow().lastIntegratedClientVersion()).isEqualTo(1);
		assertThat(this.store.snapshot("p", null, 1_000_000).documents()).singleElement()
			.satisfies(state -> assertThat(state.visibleFields()).isEqualTo(Map.of("v", "the original's")));
	}

	@Test
	void aClientVersionSentAgainWhoseHistoryWasCompactedIsSkippedUnchecked() throws Exception {
		ClientFile a = this.store.allocateClientFile("p");
		this.store.integrate("p", a.fileId(), List.of(changeset(1, put("t1", 1))));
		Thread.sleep(20);
		assertThat(this.store.compact(System.currentTimeMillis())).isEqualTo(1);
		IntegrationResult again = this.store.integrate("p", a.fileId(),
				List.of(changeset(1, put("t1", "nothing to compare with")), changeset(2, put("t2", 2))));
		assertThat(again.skipped()).isEqualTo(1);
		assertThat(again.uploadAck()).isEqualTo(2);
		assertThat(this.store.latestVersion("p")).isEqualTo(2);
	}

	@Test
	void integratesAGroupInOneTransaction() {
		ClientFile a = this.store.allocateClientFile("p");
		ClientFile b = this.store.allocateClientFile("q");
		Changeset one = changeset(1, put("t1", 1));
		List<IntegrationResult> results = this.store.integrateAll(List.of(
				new Integration("p", a.fileId(), List.of(one)),
				new Integration("q", b.fileId(), List.of(changeset(1, put("t1", 2)))),
				new Integration("p", a.fileId(), List.of(one, changeset(2, put("t2", 3))))));
		assertThat(results).extracting(IntegrationResult::latestVersion).containsExactly(1L, 1L, 2L);
		assertThat(results.get(2).skipped()).isEqualTo(1);
		assertThat(results.get(2).uploadAck()).isEqualTo(2);

		assertThatIllegalArgumentException().isThrownBy(() -> this.store.integrateAll(List.of(
				new Integration("p", a.fileId(), List.of(changeset(3, put("t3", 4)))),
				new Integration("p", b.fileId(), List.of(changeset(2, put("t4", 5)))))));
		assertThat(this.store.latestVersion("p")).as("the whole group rolled back").isEqualTo(2);
		assertThat(this.store.findClientFile(a.fileId()).orElseThrow().lastIntegratedClientVersion()).isEqualTo(2);
	}

	@Test
	void aChangesetThatWouldGrowADocumentPastWhatADownloadCanCarryIsRejectedAndCompensatedAndTheOthersIntegrated() {
		ClientFile a = this.store.allocateClientFile("p");
		ClientFile b = this.store.allocateClientFile("q");
		String half = "x".repeat(SyncProtocol.MAX_DOCUMENT_STATE_BYTES / 2);
		this.store.integrate("p", a.fileId(),
				List.of(changeset(1, new Operation.Put("tasks", "big", ++this.clock, Map.of("h1", half)))));
		List<Map<DocumentKey, DocumentState>> planned = new ArrayList<>();
		CompensationPlanner planner = (rejected, current) -> {
			assertThat(rejected).extracting(Changeset::clientVersion).containsExactly(3L);
			planned.add(Map.copyOf(current));
			return List.of(new Operation.Unset("tasks", "big", ++this.clock, Set.of("h2")));
		};
		Changeset tooLarge = changeset(3, new Operation.Update("tasks", "big", ++this.clock, Map.of("h2", half)),
				put("t3", 3));
		List<IntegrationResult> results = this.store.integrateAll(List.of(
				new Integration("q", b.fileId(), List.of(changeset(1, put("o", 1)))),
				new Integration("p", a.fileId(), List.of(changeset(2, put("t2", 2)), tooLarge, changeset(4, put("t4", 4))))),
				planner);

		assertThat(results.get(0).rejected()).isEmpty();
		assertThat(results.get(0).latestVersion()).isEqualTo(1);
		IntegrationResult result = results.get(1);
		assertThat(result.rejected()).containsExactly(tooLarge);
		assertThat(result.uploadAck()).isEqualTo(4);
		assertThat(result.latestVersion()).isEqualTo(4);
		assertThat(result.integrated()).extracting(ServerChangeset::serverVersion).containsExactly(2L, 3L, 4L);
		assertThat(result.integratedBytes()).hasSize(3);
		assertThat(result.integrated().get(1).originFileId()).as("the compensation is the server's")
			.isNotEqualTo(a.fileId());
		assertThat(result.integrated()).extracting(ServerChangeset::clientVersion).startsWith(2L).endsWith(4L);
		assertThat(planned).singleElement()
			.satisfies(current -> assertThat(current.get(new DocumentKey("tasks", "big")).visibleFields())
				.containsOnlyKeys("h1"));
		assertThat(this.store.changesetsAfter("p", 1, 0, Long.MAX_VALUE).changesets()).isEqualTo(result.integrated());
		assertThat(this.store.findClientFile(a.fileId()).orElseThrow().lastIntegratedClientVersion()).isEqualTo(4);

		SnapshotBatch snapshot = this.store.snapshot("p", null, Long.MAX_VALUE);
		assertThat(snapshot.documents()).extracting(state -> state.key().id()).containsExactly("big", "t2", "t4");
		assertThat(snapshot.documents().get(0).visibleFields()).containsOnlyKeys("h1");
		assertThat(this.store.snapshotBytesAfter("p", null)).isEqualTo(sizeOfEveryState("p"));

		IntegrationResult again = this.store.integrate("p", a.fileId(), List.of(tooLarge), planner);
		assertThat(again.skipped()).as("a re-sent rejected changeset is skipped").isEqualTo(1);
		assertThat(again.rejected()).isEmpty();
		assertThat(planned).hasSize(1);

		IntegrationResult alone = this.store.integrate("p", a.fileId(), List.of(changeset(5,
				new Operation.Update("tasks", "big", ++this.clock, Map.of("h3", half)))));
		assertThat(alone.rejected()).as("without a planner, rejected but not compensated").hasSize(1);
		assertThat(alone.integrated()).isEmpty();
		assertThat(alone.uploadAck()).isEqualTo(5);
		assertThat(this.store.latestVersion("p")).isEqualTo(4);
	}

	@Test
	void rejectsAFileOfAnotherPartitionWithoutWriting() {
		ClientFile a = this.store.allocateClientFile("p");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.store.integrate("q", a.fileId(), List.of(changeset(1, put("t", 1)))))
			.withMessageContaining("belongs to partition 'p'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.store.integrate("p", 999, List.of(changeset(1, put("t", 1)))))
			.withMessageContaining("unknown client file 999");
		assertThat(this.store.latestVersion("p")).isZero();
		assertThat(this.store.latestVersion("q")).isZero();
	}

	@Test
	void survivesCloseAndReopen() {
		ClientFile a = this.store.allocateClientFile("p");
		long salt = this.store.serverSalt();
		this.store.integrate("p", a.fileId(), List.of(changeset(1, put("t1", 1)), changeset(2, put("t2", 2))));
		this.store.close();
		this.store = openStore();
		assertThat(this.store.serverSalt()).isEqualTo(salt);
		assertThat(this.store.latestVersion("p")).isEqualTo(2);
		assertThat(this.store.findClientFile(a.fileId()).orElseThrow().lastIntegratedClientVersion()).isEqualTo(2);
		IntegrationResult next = this.store.integrate("p", a.fileId(), List.of(changeset(3, put("t3", 3))));
		assertThat(next.integrated()).extracting(ServerChangeset::serverVersion).containsExactly(3L);
		assertThat(this.store.changesetsAfter("p", 0, 0, 1_000_000).changesets()).hasSize(3);
	}

	@Test
	void changesetsAfterSkipsTheOwnFileButAdvancesTheCursor() {
		ClientFile a = this.store.allocateClientFile("p");
		ClientFile b = this.store.allocateClientFile("p");
		this.store.integrate("p", a.fileId(), List.of(changeset(1, put("a1", 1))));
		this.store.integrate("p", b.fileId(), List.of(changeset(1, put("b1", 1))));
		this.store.integrate("p", a.fileId(), List.of(changeset(2, put("a2", 2))));
		ChangesetBatch forA = this.store.changesetsAfter("p", 0, a.fileId(), 1_000_000);
		assertThat(forA.changesets()).extracting(ServerChangeset::originFileId).containsExactly(b.fileId());
		assertThat(forA.scannedVersion()).isEqualTo(3);
		ChangesetBatch all = this.store.changesetsAfter("p", 1, 0, 1_000_000);
		assertThat(all.changesets()).extracting(ServerChangeset::serverVersion).containsExactly(2L, 3L);
		assertThat(this.store.bytesAfter("p", 0, 0)).isEqualTo(this.store.changesetsAfter("p", 0, 0, 1_000_000).bytes());
		assertThat(this.store.bytesAfter("p", 0, a.fileId())).isEqualTo(forA.bytes());
		ChangesetBatch nothing = this.store.changesetsAfter("p", 3, 0, 1_000_000);
		assertThat(nothing.changesets()).isEmpty();
		assertThat(nothing.scannedVersion()).isEqualTo(3);
		// a range of versions counts only its own rows, still without the excluded file's
		assertThat(this.store.bytesBetween("p", 1, 2, 0)).isEqualTo(this.store.changesetsAfter("p", 1, 0, 1_000_000).bytes()
				- this.store.changesetsAfter("p", 2, 0, 1_000_000).bytes()).isPositive();
		assertThat(this.store.bytesBetween("p", 0, 3, a.fileId())).isEqualTo(forA.bytes());
		assertThat(this.store.bytesBetween("p", 1, 3, b.fileId())).isEqualTo(this.store.bytesAfter("p", 2, 0));
		assertThat(this.store.bytesBetween("p", 0, 1, a.fileId())).isZero();
		assertThat(this.store.bytesBetween("p", 2, 2, 0)).isZero();
		assertThat(this.store.bytesBetween("missing", 0, 3, 0)).isZero();
	}

	@Test
	void entryAtReadsTheOneChangesetOfAVersionWhoeverWroteItWithTheCommitTimeTheWriterReported() throws Exception {
		ClientFile a = this.store.allocateClientFile("p");
		ClientFile b = this.store.allocateClientFile("p");
		IntegrationResult first = this.store.integrate("p", a.fileId(), List.of(changeset(1, put("a1", 1))));
		Thread.sleep(20);
		long cutoff = System.currentTimeMillis();
		Thread.sleep(20);
		IntegrationResult second = this.store.integrate("p", b.fileId(), List.of(changeset(1, put("b1", 1))));
		Thread.sleep(5);
		IntegrationResult third = this.store.integrate("p", a.fileId(),
				List.of(changeset(2, put("a2", 2)), changeset(3, put("a3", 3))));
		Thread.sleep(5);
		IntegrationResult compensation = this.store.reject("p", b.fileId(), List.of(changeset(2, put("a1", "no"))),
				(rejected, current) -> List.of(put("a1", 1)));
		List<IntegrationResult> results = List.of(first, second, third, compensation);
		assertThat(results).extracting(IntegrationResult::committedAt).allMatch(time -> time > 0);
		assertThat(first.committedAt()).isLessThan(second.committedAt());
		List<HistoryEntry> entries = new ArrayList<>();
		for (IntegrationResult result : results) {
			for (ServerChangeset changeset : result.integrated()) {
				entries.add(new HistoryEntry(changeset, result.committedAt()));
			}
		}
		assertThat(entries).extracting(entry -> entry.changeset().serverVersion()).containsExactly(1L, 2L, 3L, 4L, 5L);
		for (HistoryEntry entry : entries) {
			long version = entry.changeset().serverVersion();
			assertThat(this.store.entryAt("p", version)).contains(entry);
			ChangesetBatch one = this.store.changesetsAfter("p", version - 1, 0, 1);
			assertThat(one.scannedVersion()).isEqualTo(version);
			assertThat(one.scannedCommittedAt()).isEqualTo(entry.committedAt());
			ChangesetBatch excluded = this.store.changesetsAfter("p", version - 1, entry.changeset().originFileId(), 1);
			assertThat(excluded.scannedCommittedAt()).as("a batch that ends on an excluded changeset")
				.isEqualTo(this.store.entryAt("p", excluded.scannedVersion()).orElseThrow().committedAt());
		}
		assertThat(this.store.changesetsAfter("p", 5, 0, 1_000_000).scannedCommittedAt()).as("nothing scanned")
			.isZero();
		assertThat(this.store.entryAt("p", 6)).isEmpty();
		assertThat(this.store.entryAt("unknown", 1)).isEmpty();
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.entryAt("p", 0));
		this.store.compact(cutoff);
		assertThat(this.store.entryAt("p", 1)).as("compacted").isEmpty();
		assertThat(this.store.entryAt("p", 2)).contains(entries.get(1));
	}

	@Test
	void changesetBatchesRespectTheByteBudget() {
		ClientFile a = this.store.allocateClientFile("p");
		List<Changeset> changesets = new ArrayList<>();
		for (int v = 1; v <= 50; v++) {
			changesets.add(changeset(v, put("t" + v, "x".repeat(1000))));
		}
		this.store.integrate("p", a.fileId(), changesets);
		long cursor = 0;
		int batches = 0;
		List<Long> versions = new ArrayList<>();
		while (cursor < 50) {
			ChangesetBatch batch = this.store.changesetsAfter("p", cursor, 0, 10_000);
			assertThat(batch.bytes()).isLessThanOrEqualTo(10_000);
			batch.changesets().forEach(c -> versions.add(c.serverVersion()));
			cursor = batch.scannedVersion();
			batches++;
		}
		assertThat(batches).isGreaterThan(4);
		assertThat(versions).hasSize(50).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void snapshotPagesCoverEveryDocumentOnce() {
		ClientFile a = this.store.allocateClientFile("p");
		ReplicaState expected = new ReplicaState();
		List<Changeset> changesets = new ArrayList<>();
		for (int v = 1; v <= 30; v++) {
			List<Operation> ops = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				ops.add(put("doc-" + (v * 100 + i), "value " + i));
			}
			ops.add(new Operation.Delete("tasks", "doc-" + (v * 100), ++this.clock));
			ops.forEach(op -> expected.apply(op, a.fileId()));
			changesets.add(new Changeset(v, 0, ops));
		}
		this.store.integrate("p", a.fileId(), changesets);
		ReplicaState replica = new ReplicaState();
		DocumentKey after = null;
		int pages = 0;
		int states = 0;
		do {
			SnapshotBatch page = this.store.snapshot("p", after, 20_000);
			assertThat(page.bytes()).isLessThanOrEqualTo(20_000);
			assertThat(page.documents()).isNotEmpty();
			for (DocumentState state : page.documents()) {
				replica.merge(state);
				states++;
			}
			if (!page.isLast()) {
				assertThat(this.store.snapshotBytesAfter("p", page.nextKey())).isPositive();
			}
			after = page.nextKey();
			pages++;
		}
		while (after != null);
		assertThat(pages).isGreaterThan(5);
		assertThat(states).isEqualTo(3000);
		assertThat(replica).isEqualTo(expected);
		assertThat(replica.visibleDocuments()).hasSize(2970);
	}

	@Test
	void theSnapshotTotalIsTheSizeOfEveryStateAfterEveryKindOfWrite() {
		ClientFile a = this.store.allocateClientFile("p");
		ClientFile b = this.store.allocateClientFile("p");
		assertThat(this.store.snapshotBytesAfter("p", null)).isZero();
		this.store.integrate("p", a.fileId(), List.of(changeset(1, put("t1", "short"), put("t2", "x".repeat(500))),
				changeset(2, put("t3", "\u00e9t\u00e9 \u20ac"))));
		assertThat(this.store.snapshotBytesAfter("p", null)).isEqualTo(sizeOfEveryState("p"));
		// overwrites that shrink and grow states, a delete, and a document written twice in one upload
		this.store.integrate("p", b.fileId(), List.of(changeset(1, put("t2", "y"), put("t1", "z".repeat(300))),
				changeset(2, new Operation.Delete("tasks", "t3", ++this.clock), put("t4", 4)), changeset(3, put("t4", 44))));
		assertThat(this.store.snapshotBytesAfter("p", null)).isEqualTo(sizeOfEveryState("p"));
		// a rejected upload writes nothing of its own; its compensation is written like any change
		this.store.reject("p", b.fileId(), List.of(changeset(4, put("t1", "rejected"))),
				(rejected, current) -> List.of(put("t1", "restored " + "r".repeat(100))));
		assertThat(this.store.snapshotBytesAfter("p", null)).isEqualTo(sizeOfEveryState("p"));
		this.store.integrate("q", this.store.allocateClientFile("q").fileId(), List.of(changeset(1, put("o", 1))));
		assertThat(this.store.snapshotBytesAfter("p", null)).isEqualTo(sizeOfEveryState("p"));
		assertThat(this.store.snapshotBytesAfter("q", null)).isEqualTo(sizeOfEveryState("q")).isPositive();
		assertThat(this.store.snapshotBytesAfter("none", null)).isZero();

		this.store.close();
		this.store = openStore();
		assertThat(this.store.snapshotBytesAfter("p", null)).isEqualTo(sizeOfEveryState("p"));
	}

	@Test
	void tellsTheSpaceItsTablesTake() {
		long empty = this.store.sizeBytes();
		assertThat(empty).isPositive();
		ClientFile a = this.store.allocateClientFile("p");
		Random random = new Random(42);
		List<Operation> ops = new ArrayList<>();
		for (int i = 0; i < 2000; i++) {
			StringBuilder text = new StringBuilder();
			random.ints(1000, 'a', 'z' + 1).forEach(c -> text.append((char) c));
			ops.add(put("doc-" + i, text.toString()));
		}
		this.store.integrate("p", a.fileId(), List.of(new Changeset(1, 0, ops)));
		// 2 MB of text, in the history row and again in the document states (a database may compress
		// some of it)
		assertThat(this.store.sizeBytes()).isGreaterThan(empty + 2_000_000);
	}

	@Test
	void countsThePartitionsItHolds() {
		assertThat(this.store.partitionCount()).isZero();
		this.store.allocateClientFile("p");
		this.store.allocateClientFile("p");
		assertThat(this.store.partitionCount()).isEqualTo(1);
		ClientFile q = this.store.allocateClientFile("q");
		this.store.integrate("q", q.fileId(), List.of(changeset(1, put("a", 1))));
		// reading a partition that was never written creates nothing
		assertThat(this.store.latestVersion("never")).isZero();
		assertThat(this.store.partitionCount()).isEqualTo(2);
		this.store.close();
		this.store = openStore();
		assertThat(this.store.partitionCount()).isEqualTo(2);
	}

	/** The UTF-8 size of every state of a partition, as a snapshot sends them. */
	private long sizeOfEveryState(String partition) {
		MessageCodec codec = new MessageCodec();
		long bytes = 0;
		DocumentKey after = null;
		do {
			SnapshotBatch page = this.store.snapshot(partition, after, 1_000_000);
			for (DocumentState state : page.documents()) {
				bytes += codec.encodeDocumentState(state).getBytes(StandardCharsets.UTF_8).length;
			}
			after = page.nextKey();
		}
		while (after != null);
		return bytes;
	}

	@Test
	void snapshotsReturnTextBeyondAsciiAsWritten() {
		ClientFile a = this.store.allocateClientFile("p");
		ReplicaState expected = new ReplicaState();
		List<Operation> ops = List.of(
				new Operation.Put("tasks", "\u00e9t\u00e9-\u65e5\u672c", ++this.clock,
						Map.of("t\u00eete", "caf\u00e9 \u2615 \ud83d\ude80", "n", 1L)),
				new Operation.Put("tasks", "\ud83d\udcdd-1", ++this.clock, Map.of("v", "\u0000\u001f \u00a0 \uffff")),
				new Operation.Put("tasks", "plain", ++this.clock, Map.of("v", "ascii")));
		ops.forEach(op -> expected.apply(op, a.fileId()));
		this.store.integrate("p", a.fileId(), List.of(new Changeset(1, 0, ops)));

		ReplicaState replica = new ReplicaState();
		SnapshotBatch snapshot = this.store.snapshot("p", null, 1_000_000);
		snapshot.documents().forEach(replica::merge);

		assertThat(snapshot.isLast()).isTrue();
		assertThat(replica).isEqualTo(expected);
		assertThat(snapshot.documents()).extracting(DocumentState::key)
			.contains(new DocumentKey("tasks", "\u00e9t\u00e9-\u65e5\u672c"), new DocumentKey("tasks", "\ud83d\udcdd-1"));
	}

	@Test
	void validatesArgumentsAndRefusesWorkOnceClosed() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.allocateClientFile("bad partition"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.changesetsAfter("p", -1, 0, 10));
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.snapshot("p", null, 0));
		this.store.close();
		this.store.close();
		assertThatIllegalStateException().isThrownBy(() -> this.store.latestVersion("p"));
		assertThatIllegalStateException().isThrownBy(() -> this.store.allocateClientFile("p"));
	}

	@Test
	void compactionRemovesOldHistoryAndMovesTheHorizon() throws Exception {
		ClientFile a = this.store.allocateClientFile("p");
		this.store.integrate("p", a.fileId(), List.of(changeset(1, put("t1", 1)), changeset(2, put("t2", 2))));
		Thread.sleep(20);
		long cutoff = System.currentTimeMillis();
		Thread.sleep(20);
		this.store.integrate("p", a.fileId(), List.of(changeset(3, put("t3", 3))));
		assertThat(this.store.compactedVersion("p")).isZero();
		assertThat(this.store.compact(cutoff)).isEqualTo(2);
		assertThat(this.store.compactedVersion("p")).isEqualTo(2);
		assertThat(this.store.changesetsAfter("p", 2, 0, 1_000_000).changesets())
			.extracting(ServerChangeset::serverVersion).containsExactly(3L);
		assertThat(this.store.changesetsAfter("p", 0, 0, 1_000_000).changesets())
			.extracting(ServerChangeset::serverVersion).containsExactly(3L);
		assertThat(this.store.snapshot("p", null, 1_000_000).documents()).hasSize(3);
		assertThat(this.store.compact(cutoff)).isZero();
		assertThat(this.store.compactedVersion("p")).isEqualTo(2);
		assertThat(this.store.latestVersion("p")).isEqualTo(3);
		assertThat(this.store.compactedVersion("unknown")).isZero();
	}

	@Test
	void compactionNeverRemovesAVersionCommittedAtOrAfterTheCutoff() throws Exception {
		ClientFile a = this.store.allocateClientFile("p");
		for (int v = 1; v <= 5; v++) {
			this.store.integrate("p", a.fileId(), List.of(changeset(v, put("t" + v, v))));
		}
		// commit times as nodes with disagreeing clocks record them: version 4 was committed after
		// version 3 by a node whose clock is behind, so it looks older than the cutoff
		long cutoff = 1_000_000_000_000L;
		execute("UPDATE syncboot_history SET committed_at = CASE server_version WHEN 1 THEN " + (cutoff - 300)
				+ " WHEN 2 THEN " + (cutoff - 200) + " WHEN 3 THEN " + cutoff + " WHEN 4 THEN " + (cutoff - 50)
				+ " ELSE " + (cutoff + 100) + " END");
		assertThat(this.store.compact(cutoff)).isEqualTo(2);
		assertThat(this.store.compactedVersion("p")).isEqualTo(2);
		assertThat(this.store.changesetsAfter("p", 2, 0, 1_000_000).changesets())
			.extracting(ServerChangeset::serverVersion).containsExactly(3L, 4L, 5L);
		assertThat(this.store.compact(cutoff + 150)).as("all of it committed before the later cutoff").isEqualTo(3);
		assertThat(this.store.compactedVersion("p")).isEqualTo(5);
	}


	@Test
	void compactionDeletesInBoundedChunksUpToTheHorizon() {
		ClientFile a = this.store.allocateClientFile("p");
		List<Changeset> changesets = new java.util.ArrayList<>();
		for (int v = 1; v <= 25; v++) {
			changesets.add(changeset(v, put("t" + v, v)));
		}
		this.store.integrate("p", a.fileId(), changesets);
		this.store.compactionChunkRows(4);
		long cutoff = System.currentTimeMillis() + 1;
		assertThat(this.store.compact(cutoff)).isEqualTo(25);
		assertThat(this.store.compactedVersion("p")).isEqualTo(25);
		assertThat(this.store.changesetsAfter("p", 0, 0, 1_000_000).changesets()).isEmpty();
		assertThat(this.store.snapshot("p", null, 1_000_000).documents()).hasSize(25);
		assertThat(this.store.compact(cutoff)).isZero();
	}

	@Test
	void compactionFinishesARoundThatStoppedAfterRaisingTheHorizon() throws Exception {
		ClientFile a = this.store.allocateClientFile("p");
		for (int v = 1; v <= 5; v++) {
			this.store.integrate("p", a.fileId(), List.of(changeset(v, put("t" + v, v))));
		}
		// a round raised the horizon to 3, then stopped (its node crashed) before deleting
		execute("UPDATE syncboot_partition SET compacted_version = 3");
		assertThat(this.store.compact(1)).as("nothing committed before the cutoff; below the horizon anyway")
			.isEqualTo(3);
		assertThat(this.store.compactedVersion("p")).isEqualTo(3);
		assertThat(this.store.changesetsAfter("p", 0, 0, 1_000_000).changesets())
			.extracting(ServerChangeset::serverVersion).containsExactly(4L, 5L);
	}

}
