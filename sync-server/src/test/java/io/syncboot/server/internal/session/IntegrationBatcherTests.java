package io.syncboot.server.internal.session;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.server.store.ClientFile;
import io.syncboot.server.store.IntegrationResult;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Uploads queued on one sequence while the writer is busy are integrated together, in order, and a
 * failed upload stops the later ones of its sequence, on a real SQLite store.
 */
class IntegrationBatcherTests {

	@TempDir
	Path directory;

	private final ExecutorService writer = Executors.newSingleThreadExecutor();

	@AfterEach
	void stopWriter() throws InterruptedException {
		this.writer.shutdown();
		this.writer.awaitTermination(10, TimeUnit.SECONDS);
	}

	@Test
	void queuedUploadsOfOneSessionShareACommitInOrderAndAreAcknowledgedBeforeTheFanOut() throws Exception {
		try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(this.directory)) {
			ClientFile file = store.allocateClientFile("p", "u");
			IntegrationBatcher batcher = new IntegrationBatcher(store, this.writer, new Partitions(store, new MessageCodec()));
			List<Long> acks = new ArrayList<>();
			IntegrationBatcher.UploadSequence sequence = new IntegrationBatcher.UploadSequence(acks::add);
			CountDownLatch busy = blockWriter();
			List<CompletableFuture<IntegrationResult>> results = new ArrayList<>();
			for (int upload = 0; upload < 5; upload++) {
				List<Changeset> changesets = List.of(changeset(2 * upload + 1, "d" + upload), changeset(2 * upload + 2,
						"d" + upload));
				results.add(batcher.integrate("p", file.fileId(), changesets, sequence).thenApply(result -> {
					assertThat(acks).as("acknowledged before the future completes").contains(result.uploadAck());
					return result;
				}));
			}
			busy.countDown();
			List<Long> versions = new ArrayList<>();
			for (int upload = 0; upload < 5; upload++) {
				IntegrationResult result = results.get(upload).get(10, TimeUnit.SECONDS);
				assertThat(result.uploadAck()).isEqualTo(2L * upload + 2);
				assertThat(result.integratedBytes()).hasSameSizeAs(result.integrated());
				result.integrated().stream().map(ServerChangeset::serverVersion).forEach(versions::add);
			}
			assertThat(versions).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
			assertThat(acks).containsExactly(2L, 4L, 6L, 8L, 10L);
			assertThat(store.latestVersion("p")).isEqualTo(10);
			assertThat(store.findClientFile(file.fileId()).orElseThrow().lastIntegratedClientVersion()).isEqualTo(10);
		}
	}

	@Test
	void anUploadQueuedAfterAFailedOneOfTheSameSessionIsNotIntegrated() throws Exception {
		try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(this.directory)) {
			ClientFile file = store.allocateClientFile("p", "u");
			ClientFile other = store.allocateClientFile("p", "v");
			IntegrationBatcher batcher = new IntegrationBatcher(store, this.writer, new Partitions(store, new MessageCodec()));
			IntegrationBatcher.UploadSequence sequence = new IntegrationBatcher.UploadSequence(ack -> {
			});
			CountDownLatch busy = blockWriter();
			// client versions that do not increase: the store refuses this upload
			CompletableFuture<IntegrationResult> bad = batcher.integrate("p", file.fileId(),
					List.of(changeset(2, "a"), changeset(1, "b")), sequence);
			CompletableFuture<IntegrationResult> later = batcher.integrate("p", file.fileId(),
					List.of(changeset(3, "c")), sequence);
			CompletableFuture<IntegrationResult> otherSession = batcher.integrate("p", other.fileId(),
					List.of(changeset(1, "d")));
			busy.countDown();
			assertThat(bad).failsWithin(10, TimeUnit.SECONDS);
			assertThat(later).failsWithin(10, TimeUnit.SECONDS);
			assertThat(otherSession.get(10, TimeUnit.SECONDS).uploadAck()).isEqualTo(1);
			assertThat(store.findClientFile(file.fileId()).orElseThrow().lastIntegratedClientVersion())
				.as("an acknowledgement past the refused changesets would lose them when the client sends them again")
				.isZero();
			assertThat(store.latestVersion("p")).isEqualTo(1);
		}
	}

	@Test
	void aLoneUploadIsIntegratedOnTheCallingThreadWhileNoIntegrationIsUnderWay() throws Exception {
		try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(this.directory)) {
			ClientFile file = store.allocateClientFile("p", "u");
			IntegrationBatcher batcher = new IntegrationBatcher(store, this.writer, new Partitions(store, new MessageCodec()));
			List<Thread> durableOn = new ArrayList<>();
			IntegrationBatcher.UploadSequence sequence = new IntegrationBatcher.UploadSequence(
					ack -> durableOn.add(Thread.currentThread()));
			CompletableFuture<IntegrationResult> result = batcher.integrate("p", file.fileId(),
					List.of(changeset(1, "a")), sequence, true);
			assertThat(result).as("durable on return").isCompleted();
			assertThat(result.get().uploadAck()).isEqualTo(1);
			assertThat(durableOn).containsExactly(Thread.currentThread());
			assertThat(store.latestVersion("p")).isEqualTo(1);
		}
	}

	@Test
	void aLoneUploadQueuedWhileAnIntegrationIsPendingWaitsForTheWriterInOrder() throws Exception {
		try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(this.directory)) {
			ClientFile file = store.allocateClientFile("p", "u");
			ClientFile other = store.allocateClientFile("p", "v");
			IntegrationBatcher batcher = new IntegrationBatcher(store, this.writer, new Partitions(store, new MessageCodec()));
			CountDownLatch busy = blockWriter();
			CompletableFuture<IntegrationResult> first = batcher.integrate("p", other.fileId(),
					List.of(changeset(1, "a")));
			List<Thread> durableOn = new ArrayList<>();
			CompletableFuture<IntegrationResult> lone = batcher.integrate("p", file.fileId(), List.of(changeset(1, "b")),
					new IntegrationBatcher.UploadSequence(ack -> durableOn.add(Thread.currentThread())), true);
			assertThat(lone).as("not run ahead of the upload queued before it").isNotDone();
			busy.countDown();
			assertThat(first.get(10, TimeUnit.SECONDS).integrated().get(0).serverVersion()).isEqualTo(1);
			assertThat(lone.get(10, TimeUnit.SECONDS).integrated().get(0).serverVersion()).isEqualTo(2);
			assertThat(durableOn).doesNotContain(Thread.currentThread());
		}
	}

	/** Occupies the writer until the latch is counted down, so that the uploads queue up. */
	private CountDownLatch blockWriter() throws InterruptedException {
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.writer.execute(() -> {
			started.countDown();
			try {
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		return release;
	}

	private static Changeset changeset(long clientVersion, String id) {
		return new Changeset(clientVersion, 0,
				List.of(new Operation.Put("c", id + "-" + clientVersion, clientVersion, Map.of("n", clientVersion))));
	}

}
