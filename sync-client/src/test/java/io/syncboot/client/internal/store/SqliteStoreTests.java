package io.syncboot.client.internal.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.merge.FieldRegister;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.HybridLogicalClock;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.model.Stamp;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolException;
import io.syncboot.core.protocol.SyncMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteStoreTests {

	private static final DocumentKey T1 = new DocumentKey("tasks", "t1");

	private static final DocumentKey L1 = new DocumentKey("log", "l1");

	private final MessageCodec codec = new MessageCodec();

	private final AtomicLong wallClock = new AtomicLong(1_700_000_000_000L);

	@TempDir
	Path dir;

	private Path file;

	private SqliteStore store;

	@BeforeEach
	void open() {
		this.file = this.dir.resolve("user").resolve("p.db");
		this.store = openStore();
	}

	@AfterEach
	void close() {
		this.store.close();
	}

	private SqliteStore openStore() {
		return SqliteStore.open(this.file, this.codec, this.wallClock::get, 1024 * 1024);
	}

	private static LocalWrite.Put put(DocumentKey key, Map<String, Object> fields) {
		return new LocalWrite.Put(key.collection(), key.id(), fields);
	}

	private static LocalWrite.Update update(DocumentKey key, Map<String, Object> fields) {
		return new LocalWrite.Update(key.collection(), key.id(), fields);
	}

	@Test
	void localCommitWritesDocumentsAndOneOutboxEntryTogether() {
		CommitResult result = this.store.commitLocal(List.of(put(T1, Map.of("title", "count")),
				put(L1, Map.of("line", 1)), new LocalWrite.Update("tasks", "t1", Map.of("done", true))));

		assertThat(result.clientVersion()).isEqualTo(1);
		assertThat(result.changes()).containsOnlyKeys("tasks", "log");
		assertThat(this.store.get(T1)).contains(Map.of("title", "count", "done", true));
		assertThat(this.store.get(L1)).contains(Map.of("line", 1L));
		assertThat(this.store.pendingChanges()).isEqualTo(1);
		assertThat(this.store.isPending(T1)).isTrue();
		assertThat(this.store.isPending(L1)).isTrue();
		assertThat(this.store.isPending(new DocumentKey("tasks", "other"))).isFalse();
		List<OutboxEntry> outbox = this.store.readOutbox(0, Long.MAX_VALUE, 100);
		assertThat(outbox).singleElement().satisfies(entry -> {
			assertThat(entry.clientVersion()).isEqualTo(1);
			assertThat(entry.operations()).hasSize(3);
			assertThat(entry.operations().get(0).timestamp()).isLessThan(entry.operations().get(2).timestamp());
		});
		assertThat(this.store.meta().nextClientVersion()).isEqualTo(2);
	}

	@Test
	void aWriteThatWouldGrowADocumentPastOneMessageIsRefusedAndTheEarlierOnesStay() {
		String quarter = "y".repeat(256 * 1024);
		this.store.commitLocal(List.of(put(T1, Map.of("part1", quarter))));
		for (int part = 2; part <= 3; part++) {
			this.store.commitLocal(List.of(update(T1, Map.of("part" + part, quarter))));
		}
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.store.commitLocal(List.of(update(T1, Map.of("part4", quarter)))))
			.withMessageContaining("document tasks/t1 would be")
			.withMessageContaining("more than the limit of " + (1024 * 1024) + " bytes");

		assertThat(this.store.get(T1)).hasValueSatisfying(fields -> assertThat(fields).hasSize(3));
		assertThat(this.store.pendingChanges()).isEqualTo(3);
		assertThat(this.store.meta().nextClientVersion()).isEqualTo(4);
	}

	@Test
	void failedCommitLeavesNothingBehindAndUsesNoClientVersion() {
		String big = "x".repeat(2 * 1024 * 1024);
		assertThatThrownBy(() -> this.store.commitLocal(List.of(put(T1, Map.of("a", 1)), put(L1, Map.of("big", big)))))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("split it");

		assertThat(this.store.get(T1)).isEmpty();
		assertThat(this.store.pendingChanges()).isZero();
		assertThat(this.store.commitLocal(List.of(put(T1, Map.of("a", 1)))).clientVersion()).isEqualTo(1);
	}

	@Test
	void clientVersionsAreGapFreeAndNeverReusedAfterTheOutboxEmpties() {
		for (int i = 1; i <= 5; i++) {
			assertThat(this.store.commitLocal(List.of(put(T1, Map.of("n", i)))).clientVersion()).isEqualTo(i);
		}
		this.store.assignClientFileId(7, 70, 700);
		this.store.applyDownload(download(0, 5, List.of(), List.of()));
		assertThat(this.store.pendingChanges()).isZero();
		assertThat(this.store.isPending(T1)).isFalse();

		assertThat(this.store.commitLocal(List.of(put(T1, Map.of("n", 6)))).clientVersion()).isEqualTo(6);
		assertThat(this.store.readOutbox(0, Long.MAX_VALUE, 100)).extracting(OutboxEntry::clientVersion)
			.containsExactly(6L);
	}

	@Test
	void localWritesFileIdsAndResetsAreFlushedAndAppliedDownloadsAreNot() {
		assertThat(this.store.synchronousSetting()).isEqualTo(2);
		this.store.commitLocal(List.of(put(T1, Map.of("n", 1))));
		assertThat(this.store.synchronousSetting()).as("after a local write").isEqualTo(2);
		this.store.applyDownload(download(1, 0, List.of(), List.of()));
		assertThat(this.store.synchronousSetting()).as("after a download").isEqualTo(1);
		this.store.commitLocal(List.of(put(T1, Map.of("n", 2))));
		assertThat(this.store.synchronousSetting()).as("after a local write that follows a download").isEqualTo(2);
		this.store.applyDownload(download(2, 0, List.of(), List.of()));
		this.store.assignClientFileId(7, 70, 700);
		assertThat(this.store.synchronousSetting()).as("after a file id").isEqualTo(2);
		this.store.applyDownload(download(3, 0, List.of(), List.of()));
		assertThat(this.store.meta().downloadCursor()).isEqualTo(3);
		this.store.resetForClientReset(true);
		assertThat(this.store.synchronousSetting()).as("after a reset").isEqualTo(2);

		this.store.close();
		this.store = openStore();
		assertThat(this.store.synchronousSetting()).as("reopened").isEqualTo(2);
		assertThat(this.store.get(T1)).contains(Map.of("n", 2L));
	}

	@Test
	void flushingDownloadsWritesAFlushedCommitOnlyWhenADownloadIsUnflushedAndChangesNothing() throws Exception {
		Path wal = Path.of(this.file + "-wal");
		this.store.commitLocal(List.of(put(T1, Map.of("n", 1))));
		long afterWrite = Files.size(wal);
		this.store.flushDownloads();
		assertThat(Files.size(wal)).as("nothing to flush").isEqualTo(afterWrite);

		this.store.applyDownload(download(1, 0, List.of(), List.of()));
		StoreMeta applied = this.store.meta();
		long afterDownload = Files.size(wal);
		this.store.flushDownloads();
		assertThat(Files.size(wal)).as("a flushed commit was logged").isGreaterThan(afterDownload);
		assertThat(this.store.synchronousSetting()).isEqualTo(2);
		long afterFlush = Files.size(wal);
		this.store.flushDownloads();
		assertThat(Files.size(wal)).as("flushed already").isEqualTo(afterFlush);

		assertThat(this.store.meta()).isEqualTo(applied);
		assertThat(this.store.commitLocal(List.of(put(T1, Map.of("n", 2)))).clientVersion()).isEqualTo(2);
		this.store.close();
		this.store = openStore();
		assertThat(this.store.meta().downloadCursor()).isEqualTo(1);
		assertThat(this.store.meta().nextClientVersion()).isEqualTo(3);
		// a process before this one may have left downloads unflushed: the first flush after opening writes
		long opened = Files.exists(wal) ? Files.size(wal) : 0;
		this.store.flushDownloads();
		assertThat(Files.size(wal)).as("flushed after opening").isGreaterThan(opened);
		assertThat(this.store.meta().nextClientVersion()).isEqualTo(3);
	}

	@Test
	void readsDoNotWaitForAnotherThreadsTransactionAndSeeWhatIsCommitted() throws Exception {
		this.store.commitLocal(List.of(put(T1, Map.of("n", 1))));
		assertThat(whileAnotherThreadHoldsTheStore(() -> List.of(this.store.get(T1), this.store.count("tasks"),
				this.store.pendingChanges(), this.store.isPending(T1), this.store.snapshot().documents().size(),
				this.store.readOutbox(0, Long.MAX_VALUE, 10).size())))
			.isEqualTo(List.of(Optional.of(Map.of("n", 1L)), 1L, 1L, true, 1, 1));

		// the reading connection sees later commits; the store's own connection reads as before
		this.store.commitLocal(List.of(put(T1, Map.of("n", 2)), put(L1, Map.of("x", 1))));
		assertThat(whileAnotherThreadHoldsTheStore(() -> List.of(this.store.get(T1), this.store.pendingChanges())))
			.isEqualTo(List.of(Optional.of(Map.of("n", 2L)), 2L));
		assertThat(this.store.get(L1)).contains(Map.of("x", 1L));
		this.store.close();
		assertThatThrownBy(() -> whileAnotherThreadHoldsTheStore(() -> this.store.get(T1)))
			.hasRootCauseInstanceOf(IllegalStateException.class);
		this.store = openStore();
	}

	/**
	 * Runs {@code read} while another thread holds the store's lock, as a long download batch or a
	 * reset's backup does; fails if the read waits for it.
	 */
	private <T> T whileAnotherThreadHoldsTheStore(java.util.function.Supplier<T> read) throws Exception {
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			Future<Object> held = threads.submit(() -> {
				try {
					return this.store.exclusively(() -> {
						holding.countDown();
						try {
							return release.await(60, TimeUnit.SECONDS);
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
							return false;
						}
					});
				}
				finally {
					holding.countDown();
				}
			});
			assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
			Future<T> reading = threads.submit(read::get);
			// far below the hold's minute: a read that waited for the lock would time out here
			T result = reading.get(20, TimeUnit.SECONDS);
			release.countDown();
			held.get(30, TimeUnit.SECONDS);
			return result;
		}
		finally {
			release.countDown();
			threads.shutdownNow();
		}
	}

	@Test
	void concurrentCommitsGetDistinctGapFreeVersions() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(4);
		List<Future<Long>> futures = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			DocumentKey key = new DocumentKey("c", "d" + i);
			futures.add(pool.submit(() -> this.store.commitLocal(List.of(put(key, Map.of("i", 1)))).clientVersion()));
		}
		List<Long> versions = new ArrayList<>();
		for (Future<Long> future : futures) {
			versions.add(future.get(30, TimeUnit.SECONDS));
		}
		pool.shutdown();
		Collections.sort(versions);
		assertThat(versions).isEqualTo(java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList());
		assertThat(this.store.readOutbox(0, Long.MAX_VALUE, 1000)).hasSize(40);
	}

	@Test
	void reopeningKeepsDocumentsOutboxMetadataAndTheClock() {
		this.store.commitLocal(List.of(put(T1, Map.of("title", "a"))));
		this.store.assignClientFileId(9, 90, 900);
		this.store.commitLocal(List.of(new LocalWrite.Delete("tasks", "t1"), put(L1, Map.of("x", 1))));
		StoreMeta before = this.store.meta();
		long lastStamp = this.store.state(L1).orElseThrow().latestStamp().timestamp();
		this.store.close();

		this.wallClock.addAndGet(-3_600_000); // the wall clock went back an hour
		this.store = openStore();

		assertThat(this.store.meta()).isEqualTo(before);
		assertThat(this.store.get(T1)).isEmpty();
		assertThat(this.store.state(T1)).hasValueSatisfying(state -> assertThat(state.isPresent()).isFalse());
		assertThat(this.store.get(L1)).contains(Map.of("x", 1L));
		assertThat(this.store.readOutbox(0, Long.MAX_VALUE, 100)).extracting(OutboxEntry::clientVersion)
			.containsExactly(1L, 2L);
		this.store.commitLocal(List.of(put(L1, Map.of("x", 2))));
		assertThat(this.store.state(L1).orElseThrow().latestStamp().timestamp()).isGreaterThan(lastStamp);
		assertThat(this.store.meta().nextClientVersion()).isEqualTo(4);
	}

	@Test
	void assigningTheClientFileIdRewritesUnassignedStamps() {
		this.store.commitLocal(List.of(put(T1, Map.of("a", 1, "b", 2))));
		this.store.commitLocal(List.of(new LocalWrite.Unset("tasks", "t1", java.util.Set.of("b"))));
		assertThat(stampsOf(this.store.state(T1).orElseThrow())).extracting(Stamp::fileId).containsOnly(0L);

		StoreMeta meta = this.store.assignClientFileId(42, 4242, 77);

		assertThat(meta.clientFileId()).isEqualTo(42);
		assertThat(meta.fileSalt()).isEqualTo(4242);
		assertThat(meta.serverSalt()).isEqualTo(77);
		assertThat(stampsOf(this.store.state(T1).orElseThrow())).extracting(Stamp::fileId).containsOnly(42L);
		this.store.commitLocal(List.of(put(L1, Map.of("c", 3))));
		assertThat(stampsOf(this.store.state(L1).orElseThrow())).extracting(Stamp::fileId).containsOnly(42L);
		assertThat(this.store.get(T1)).contains(Map.of("a", 1L));
		assertThatThrownBy(() -> this.store.assignClientFileId(43, 1, 1)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("42");
	}

	@Test
	void downloadAppliesChangesetsAndStatesMovesTheCursorAndTrimsTheOutboxTogether() {
		this.store.assignClientFileId(1, 10, 100);
		this.store.commitLocal(List.of(put(T1, Map.of("title", "mine"))));
		this.store.commitLocal(List.of(put(L1, Map.of("line", 1))));
		long remoteTs = HybridLogicalClock.pack(this.wallClock.get() + 60_000, 0);
		ServerChangeset remote = new ServerChangeset(3, 2, 1,
				List.of(new Operation.Update("tasks", "t1", remoteTs, Map.of("done", true))));
		DocumentState snapshot = DocumentState.of(new Operation.Put("other", "o1", remoteTs, Map.of("k", "v")), 2);

		CommitResult result = this.store.applyDownload(download(3, 1, List.of(remote), List.of(snapshot)));

		assertThat(result.changes()).containsOnlyKeys("tasks", "other");
		assertThat(this.store.get(T1)).contains(Map.of("title", "mine", "done", true));
		assertThat(this.store.get(new DocumentKey("other", "o1"))).contains(Map.of("k", "v"));
		assertThat(this.store.meta().downloadCursor()).isEqualTo(3);
		assertThat(this.store.meta().uploadAck()).isEqualTo(1);
		assertThat(this.store.readOutbox(0, Long.MAX_VALUE, 100)).extracting(OutboxEntry::clientVersion)
			.containsExactly(2L);
		assertThat(this.store.isPending(T1)).isFalse();
		assertThat(this.store.isPending(L1)).isTrue();
		// the clock observed the remote timestamp: the next local write is stamped after it
		this.store.commitLocal(List.of(new LocalWrite.Update("tasks", "t1", Map.of("done", false))));
		assertThat(this.store.get(T1)).contains(Map.of("title", "mine", "done", false));
	}

	@Test
	void snapshotStatesOfNewDocumentsAreInsertedAndThoseOfKnownDocumentsMerged() {
		this.store.assignClientFileId(1, 10, 100);
		this.store.commitLocal(List.of(put(T1, Map.of("title", "mine"))));
		long older = HybridLogicalClock.pack(this.wallClock.get() - 60_000, 0);
		long newer = HybridLogicalClock.pack(this.wallClock.get() + 60_000, 0);
		DocumentKey o1 = new DocumentKey("other", "o1");
		DocumentKey o2 = new DocumentKey("other", "o2");
		DocumentState o1First = DocumentState.of(new Operation.Put("other", "o1", older, Map.of("k", "first")), 2);
		DocumentState o1Again = DocumentState.of(new Operation.Update("other", "o1", newer, Map.of("n", 1)), 2);
		DocumentState o2Deleted = DocumentState.of(new Operation.Delete("other", "o2", older), 2);
		DocumentState t1Older = DocumentState.of(new Operation.Put("tasks", "t1", older, Map.of("title", "theirs")), 2);

		CommitResult first = this.store.applyDownload(download(4, 0, List.of(), List.of(o1First, o2Deleted, o1Again,
				t1Older)));

		assertThat(first.changes()).containsOnlyKeys("other");
		assertThat(first.changes().get("other")).containsExactlyInAnyOrder("o1", "o2");
		assertThat(this.store.get(o1)).contains(Map.of("k", "first", "n", 1L));
		assertThat(this.store.get(o2)).isEmpty();
		assertThat(this.store.state(o2)).hasValueSatisfying(state -> assertThat(state.isPresent()).isFalse());
		assertThat(this.store.get(T1)).contains(Map.of("title", "mine"));
		assertThat(this.store.isPending(T1)).isTrue();
		assertThat(this.store.isPending(o1)).isFalse();

		DocumentState o2Back = DocumentState.of(new Operation.Put("other", "o2", newer, Map.of("back", true)), 3);
		CommitResult second = this.store.applyDownload(download(5, 0, List.of(), List.of(o1First, o2Back)));

		assertThat(second.changes()).containsOnly(Map.entry("other", java.util.Set.of("o2")));
		assertThat(this.store.get(o2)).contains(Map.of("back", true));
		assertThat(this.store.get(o1)).contains(Map.of("k", "first", "n", 1L));
		assertThat(this.store.isPending(T1)).isTrue();
		assertThat(this.store.count("other")).isEqualTo(2);
	}

	@Test
	void bootstrappedDocumentsStoreTheirStateOnlyAndReadsDeriveTheirFields() throws Exception {
		this.store.assignClientFileId(1, 10, 100);
		long ts = HybridLogicalClock.pack(this.wallClock.get() - 60_000, 0);
		Map<String, Object> nested = Map.of("tags", List.of("a", 2L), "price", 2.5);
		DocumentState b1 = DocumentState.of(new Operation.Put("books", "b1", ts, Map.of("title", "one", "meta", nested)),
				2);
		DocumentState b2 = DocumentState.of(new Operation.Put("books", "b2", ts, Map.of("title", "two")), 2);
		b2.apply(new Operation.Unset("books", "b2", ts + 1, java.util.Set.of("title")), 2);
		b2.apply(new Operation.Update("books", "b2", ts + 2, Map.of("n", 7L)), 3);
		DocumentState b3 = DocumentState.of(new Operation.Delete("books", "b3", ts), 2);
		// decoded from the wire, as a session hands them to the store
		String text = this.codec.encode(download(4, 0, List.of(), List.of(b1, b2, b3)));
		this.store.applyDownload((SyncMessage.Download) this.codec.decode(text));

		try (java.sql.Connection connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + this.file);
				java.sql.ResultSet rows = connection.createStatement()
					.executeQuery("SELECT id, body IS NULL, present FROM documents ORDER BY id")) {
			List<String> seen = new ArrayList<>();
			while (rows.next()) {
				seen.add(rows.getString(1) + " " + rows.getBoolean(2) + " " + rows.getBoolean(3));
			}
			assertThat(seen).containsExactly("b1 true true", "b2 true true", "b3 true false");
		}
		assertThat(this.store.get(new DocumentKey("books", "b1"))).contains(Map.of("title", "one", "meta", nested));
		assertThat(this.store.get(new DocumentKey("books", "b2"))).contains(Map.of("n", 7L));
		assertThat(this.store.get(new DocumentKey("books", "b3"))).isEmpty();
		assertThat(this.store.all("books")).containsExactly(Map.entry("b1", Map.of("title", "one", "meta", nested)),
				Map.entry("b2", Map.of("n", 7L)));
		assertThat(this.store.count("books")).isEqualTo(2);
		assertThat(this.store.snapshot().documents()).containsExactly(
				Map.entry(new DocumentKey("books", "b1"), Map.of("title", "one", "meta", nested)),
				Map.entry(new DocumentKey("books", "b2"), Map.of("n", 7L)));

		// a later write of the row stores its body again; the reads agree
		this.store.commitLocal(List.of(new LocalWrite.Update("books", "b1", Map.of("title", "uno"))));
		assertThat(this.store.get(new DocumentKey("books", "b1"))).contains(Map.of("title", "uno", "meta", nested));
		this.store.close();
		this.store = openStore();
		assertThat(this.store.all("books")).containsExactly(Map.entry("b1", Map.of("title", "uno", "meta", nested)),
				Map.entry("b2", Map.of("n", 7L)));
	}

	@Test
	void consecutiveDownloadsApplyInOneTransactionOrNotAtAll() {
		this.store.assignClientFileId(1, 10, 100);
		this.store.commitLocal(List.of(put(T1, Map.of("title", "mine"))));
		this.store.commitLocal(List.of(put(L1, Map.of("line", 1))));
		long ts = HybridLogicalClock.pack(this.wallClock.get() + 60_000, 0);
		DocumentKey o1 = new DocumentKey("other", "o1");
		SyncMessage.Download first = download(4, 1, List.of(), List.of(
				DocumentState.of(new Operation.Put("other", "o1", ts, Map.of("k", "v")), 2)));
		SyncMessage.Download second = download(6, 2, List.of(new ServerChangeset(6, 2, 3,
				List.of(new Operation.Update("other", "o1", ts + 1, Map.of("n", 2))))), List.of());
		SyncMessage.Download stale = download(5, 2, List.of(), List.of());
		List<CommitResult> seen = new ArrayList<>();

		assertThatThrownBy(() -> this.store.applyDownloads(List.of(first, second, stale), seen::add))
			.isInstanceOfSatisfying(ProtocolException.class,
					ex -> assertThat(ex.code()).isEqualTo(ErrorCode.BAD_SERVER_VERSION));
		assertThat(this.store.get(o1)).isEmpty();
		assertThat(this.store.meta().downloadCursor()).isZero();
		assertThat(this.store.pendingChanges()).isEqualTo(2);

		CommitResult result = this.store.applyDownloads(List.of(first, second), seen::add);

		assertThat(seen).containsExactly(result);
		assertThat(result.changes()).containsOnly(Map.entry("other", java.util.Set.of("o1")));
		assertThat(this.store.get(o1)).contains(Map.of("k", "v", "n", 2L));
		assertThat(this.store.meta().downloadCursor()).isEqualTo(6);
		assertThat(this.store.meta().uploadAck()).isEqualTo(2);
		assertThat(this.store.pendingChanges()).isZero();
		assertThat(this.store.isPending(T1)).isFalse();
		assertThat(this.store.isPending(L1)).isFalse();
		assertThat(this.store.uploadCounters().pending()).isZero();
	}

	@Test
	void theCursorSaltIsStoredWithTheCursorOfTheLastDownloadAndClearedByAReset() {
		this.store.assignClientFileId(1, 10, 100);
		this.store.commitLocal(List.of(put(T1, Map.of("title", "mine"))));
		SyncMessage.Download first = new SyncMessage.Download(1, 4, 44, 0, 0, List.of(), List.of());
		SyncMessage.Download second = new SyncMessage.Download(1, 6, -66, 0, 0, List.of(), List.of());
		SyncMessage.Download stale = new SyncMessage.Download(1, 5, 55, 0, 0, List.of(), List.of());

		assertThatThrownBy(() -> this.store.applyDownloads(List.of(first, second, stale), result -> {
		})).isInstanceOf(ProtocolException.class);
		assertThat(this.store.meta().downloadSalt()).isZero();

		this.store.applyDownloads(List.of(first, second), result -> {
		});
		assertThat(this.store.meta().downloadCursor()).isEqualTo(6);
		assertThat(this.store.meta().downloadSalt()).isEqualTo(-66);
		this.store.commitLocal(List.of(put(L1, Map.of("line", 1))));
		this.store.close();
		this.store = openStore();
		assertThat(this.store.meta().downloadCursor()).isEqualTo(6);
		assertThat(this.store.meta().downloadSalt()).isEqualTo(-66);

		this.store.resetForClientReset(true);
		assertThat(this.store.meta().downloadCursor()).isZero();
		assertThat(this.store.meta().downloadSalt()).isZero();
		this.store.assignClientFileId(2, 20, 100);
		assertThat(this.store.meta().downloadSalt()).isZero();
	}

	@Test
	void aBackupAfterReadsAndWritesCopiesTheFileAndTheStoreGoesOn() {
		this.store.commitLocal(List.of(put(T1, Map.of("title", "kept"))));
		this.store.commitLocal(List.of(put(L1, Map.of("line", 1))));
		assertThat(this.store.get(T1)).isPresent();
		assertThat(this.store.isPending(T1)).isTrue();
		assertThat(this.store.readOutbox(0, 1, 1)).hasSize(1); // stops reading before the last row
		assertThat(this.store.count("tasks")).isEqualTo(1);
		Path copy = this.dir.resolve("backup").resolve("copy.db");

		this.store.backupTo(copy);

		this.store.commitLocal(List.of(put(T1, Map.of("title", "after"))));
		assertThat(this.store.get(T1)).contains(Map.of("title", "after"));
		try (SqliteStore backup = SqliteStore.open(copy, this.codec, this.wallClock::get, 1024 * 1024)) {
			assertThat(backup.get(T1)).contains(Map.of("title", "kept"));
			assertThat(backup.meta().nextClientVersion()).isEqualTo(3);
			assertThat(backup.pendingChanges()).isEqualTo(2);
		}
	}

	@Test
	void aRejectedDownloadAppliesNothing() {
		this.store.assignClientFileId(1, 10, 100);
		this.store.commitLocal(List.of(put(T1, Map.of("v", 1))));
		long ts = HybridLogicalClock.pack(this.wallClock.get() + 1, 0);
		ServerChangeset remote = new ServerChangeset(1, 2, 1, List.of(new Operation.Put("tasks", "t2", ts, Map.of())));

		// acknowledging client version 5 of a file that committed 1: another copy of the file wrote them
		assertThatThrownBy(() -> this.store.applyDownload(download(1, 5, List.of(remote), List.of())))
			.isInstanceOfSatisfying(ProtocolException.class,
					ex -> assertThat(ex.code()).isEqualTo(ErrorCode.DIVERGING_HISTORIES));

		assertThat(this.store.get(new DocumentKey("tasks", "t2"))).isEmpty();
		assertThat(this.store.meta().downloadCursor()).isZero();
		assertThat(this.store.meta().uploadAck()).isZero();
		assertThat(this.store.pendingChanges()).isEqualTo(1);
	}

	@Test
	void aCursorThatWouldGoBackwardsIsAProtocolViolation() {
		this.store.assignClientFileId(1, 10, 100);
		this.store.applyDownload(download(5, 0, List.of(), List.of()));
		long ts = HybridLogicalClock.pack(this.wallClock.get() + 1, 0);
		ServerChangeset stale = new ServerChangeset(3, 2, 1, List.of(new Operation.Put("tasks", "t9", ts, Map.of())));

		assertThatThrownBy(() -> this.store.applyDownload(download(3, 0, List.of(stale), List.of())))
			.isInstanceOfSatisfying(ProtocolException.class,
					ex -> assertThat(ex.code()).isEqualTo(ErrorCode.BAD_SERVER_VERSION));

		assertThat(this.store.meta().downloadCursor()).isEqualTo(5);
		assertThat(this.store.get(new DocumentKey("tasks", "t9"))).isEmpty();
		// the same cursor again is fine (bootstrap batches keep it)
		this.store.applyDownload(download(5, 0, List.of(), List.of()));
	}

	@Test
	void theFileUsesWalAndCloseReleasesIt() throws Exception {
		this.store.commitLocal(List.of(put(T1, Map.of("v", 1))));
		assertThat(Files.exists(this.dir.resolve("user").resolve("p.db-wal"))).isTrue();
		this.store.close();
		assertThatThrownBy(() -> this.store.get(T1)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("closed");
		try (var files = Files.list(this.dir.resolve("user"))) {
			// the lock file stays: deleting it could let two owners lock two different files
			assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("p.db", "p.db.lock");
		}
		// closed, it is free for the next owner
		try (SqliteStore again = openStore()) {
			assertThat(again.get(T1)).isPresent();
		}
	}

	@Test
	void anOpenFileIsRefusedToOtherOwnersInThisProcessAndInOthersAlsoAfterARefusal() throws Exception {
		// this.store holds the file; a second owner in this process is refused
		assertThatThrownBy(this::openStore).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("is open in another SyncManager");
		// and the refusal did not drop the lock another process sees (closing any channel on a
		// locked file drops the process's locks on Linux)
		assertThat(probeLock()).as("another process cannot lock it").isEqualTo(3);
		this.store.close();
		assertThat(probeLock()).as("closed, another process can").isZero();
	}

	@Test
	void theSameOwnerWaitsForItsPreviousStoreToCloseAnotherDoesNot() throws Exception {
		Object owner = new Object();
		this.store.close();
		SqliteStore first = SqliteStore.open(this.file, this.codec, this.wallClock::get, 1024 * 1024, owner);
		// another owner does not wait for it
		long start = System.nanoTime();
		SqliteStore.awaitClosed(this.file, new Object());
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		CountDownLatch waiting = new CountDownLatch(1);
		Thread closer = new Thread(() -> {
			try {
				waiting.await();
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			first.close();
		});
		closer.start();
		waiting.countDown();
		SqliteStore.awaitClosed(this.file, owner);
		assertThat(first.isClosed()).isTrue();
		this.store = SqliteStore.open(this.file, this.codec, this.wallClock::get, 1024 * 1024, owner);
		closer.join();
	}

	/** Runs {@link LockProbe} in a process of its own on this store's lock file; returns its exit code. */
	private int probeLock() throws Exception {
		Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), LockProbe.class.getName(),
				FileOwnership.lockFile(this.file).toString())
			.inheritIO()
			.start();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return process.exitValue();
	}

	private static SyncMessage.Download download(long serverVersion, long ack, List<ServerChangeset> changesets,
			List<DocumentState> documents) {
		return new SyncMessage.Download(1, serverVersion, 0, ack, 0, changesets, documents);
	}

	private static List<Stamp> stampsOf(DocumentState state) {
		List<Stamp> stamps = new ArrayList<>();
		stamps.add(state.existence());
		stamps.add(state.replaced());
		state.registers().values().stream().map(FieldRegister::stamp).forEach(stamps::add);
		stamps.removeIf(Stamp.ZERO::equals);
		return stamps;
	}

}
