package io.syncboot.client.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.syncboot.client.ProgressNotificationToken;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncProgress;
import io.syncboot.client.SyncSession;
import io.syncboot.server.SyncServer;
import org.junit.jupiter.api.Test;

import static io.syncboot.client.ProgressDirection.DOWNLOAD;
import static io.syncboot.client.ProgressDirection.UPLOAD;
import static io.syncboot.client.ProgressMode.FOR_CURRENTLY_OUTSTANDING_WORK;
import static io.syncboot.client.ProgressMode.REPORT_INDEFINITELY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Progress notifications against a real server, with uploads and downloads of about 2 MB, so
 * several messages each way.
 */
class ProgressIntegrationTests extends SyncFixture {

	private static final int DOCUMENTS = 40;

	private static final String TEXT = "x".repeat(50_000);

	/** Records the reports of one listener and the threads they ran on. */
	private static final class Reports {

		final List<SyncProgress> reports = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		void add(SyncProgress progress) {
			this.reports.add(progress);
			this.threads.add(Thread.currentThread().getName());
		}

		SyncProgress last() {
			return this.reports.get(this.reports.size() - 1);
		}

		boolean completed() {
			return !this.reports.isEmpty() && last().isTransferComplete();
		}

		/** From the first incomplete report on: estimates never decrease, and some lie strictly between 0 and 1. */
		void assertOneMonotonicBatchWithIntermediateValues() {
			List<Double> estimates = this.reports.stream().map(SyncProgress::estimate).toList();
			int start = estimates.indexOf(estimates.stream().filter(e -> e < 1.0).findFirst().orElseThrow());
			List<Double> batch = estimates.subList(start, estimates.size());
			assertThat(batch).isSorted();
			assertThat(batch).anySatisfy(e -> assertThat(e).isStrictlyBetween(0.0, 1.0));
			assertThat(batch.get(batch.size() - 1)).isEqualTo(1.0);
			assertThat(this.threads).allSatisfy(name -> assertThat(name).startsWith("syncboot-progress-"));
		}

	}

	private static void writeBatch(SyncDatabase db, String prefix) {
		for (int i = 0; i < DOCUMENTS; i++) {
			db.collection("c").put(prefix + i, Map.of("text", TEXT));
		}
	}

	@Test
	void uploadProgressIsReportedAtOnceThenPerAcknowledgementAndTheOutstandingWorkModeExpires() {
		SyncServer server = server();
		SyncManager manager = manager(server, this.dirA);
		SyncDatabase db = manager.open(config(manager, "p").build());
		SyncSession session = manager.sessionFor(db).orElseThrow();
		assertThat(session.downloadAllServerChanges(LONG)).isTrue();
		session.suspend();
		Reports indefinitely = new Reports();
		assertThat(session.addProgressNotification(UPLOAD, REPORT_INDEFINITELY, indefinitely::add)).isPresent();
		await().atMost(LONG).until(() -> !indefinitely.reports.isEmpty());
		assertThat(indefinitely.reports.get(0)).isEqualTo(new SyncProgress(0, 0, 1.0));

		writeBatch(db, "d");
		Reports outstanding = new Reports();
		Optional<ProgressNotificationToken> token = session.addProgressNotification(UPLOAD,
				FOR_CURRENTLY_OUTSTANDING_WORK, outstanding::add);
		assertThat(token).isPresent();
		await().atMost(LONG).until(() -> !outstanding.reports.isEmpty());
		long total = outstanding.reports.get(0).transferableBytes();
		assertThat(total).isGreaterThan(DOCUMENTS * 50_000L);
		assertThat(outstanding.reports.get(0)).isEqualTo(new SyncProgress(0, total, 0.0));

		session.resume();
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		await().atMost(LONG).until(() -> indefinitely.completed() && outstanding.completed());

		assertThat(indefinitely.last()).isEqualTo(new SyncProgress(total, total, 1.0));
		assertThat(outstanding.last()).isEqualTo(new SyncProgress(total, total, 1.0));
		indefinitely.assertOneMonotonicBatchWithIntermediateValues();
		outstanding.assertOneMonotonicBatchWithIntermediateValues();

		int expired = outstanding.reports.size();
		db.collection("c").put("more", Map.of("v", 1));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		await().atMost(LONG).until(() -> indefinitely.last().transferableBytes() > total && indefinitely.completed());
		assertThat(outstanding.reports).hasSize(expired);
		token.orElseThrow().invalidate(); // an expired token may still be invalidated
	}

	@Test
	void downloadProgressFollowsWhatTheServerSaysRemainsAndReturnsEmptyOnceDone() {
		SyncServer server = server();
		SyncManager writer = manager(server, this.dirA);
		SyncDatabase source = writer.open(config(writer, "p").build());
		writeBatch(source, "d");
		assertThat(writer.sessionFor(source).orElseThrow().uploadAllLocalChanges(LONG)).isTrue();

		SyncManager reader = manager(server, this.dirB);
		SyncDatabase db = reader.open(config(reader, "p").build());
		SyncSession session = reader.sessionFor(db).orElseThrow();
		session.suspend();
		Reports indefinitely = new Reports();
		Reports outstanding = new Reports();
		assertThat(session.addProgressNotification(DOWNLOAD, REPORT_INDEFINITELY, indefinitely::add)).isPresent();
		assertThat(session.addProgressNotification(DOWNLOAD, FOR_CURRENTLY_OUTSTANDING_WORK, outstanding::add))
			.isPresent();
		session.resume();
		assertThat(session.downloadAllServerChanges(LONG)).isTrue();
		await().atMost(LONG).until(() -> indefinitely.completed() && outstanding.completed());

		assertThat(db.collection("c").count()).isEqualTo(DOCUMENTS);
		SyncProgress done = indefinitely.last();
		assertThat(done.transferredBytes()).isEqualTo(done.transferableBytes()).isGreaterThan(DOCUMENTS * 50_000L);
		indefinitely.assertOneMonotonicBatchWithIntermediateValues();
		assertThat(outstanding.reports).allSatisfy(p -> assertThat(p.transferableBytes()).isPositive());

		Reports late = new Reports();
		assertThat(session.addProgressNotification(DOWNLOAD, FOR_CURRENTLY_OUTSTANDING_WORK, late::add)).isEmpty();
		await().atMost(LONG).until(() -> late.reports.size() == 1);
		assertThat(late.reports.get(0)).isEqualTo(done);
		Reports lateUpload = new Reports();
		assertThat(session.addProgressNotification(UPLOAD, FOR_CURRENTLY_OUTSTANDING_WORK, lateUpload::add)).isEmpty();
		await().atMost(LONG).until(() -> lateUpload.reports.size() == 1);
		assertThat(lateUpload.reports.get(0).isTransferComplete()).isTrue();
	}

	@Test
	void invalidateStopsTheReportsAndAnInvalidSessionAcceptsNoRegistration() {
		SyncServer server = server();
		SyncManager manager = manager(server, this.dirA);
		SyncDatabase db = manager.open(config(manager, "p").build());
		SyncSession session = manager.sessionFor(db).orElseThrow();
		Reports reports = new Reports();
		ProgressNotificationToken token = session.addProgressNotification(UPLOAD, REPORT_INDEFINITELY, reports::add)
			.orElseThrow();
		await().atMost(LONG).until(() -> reports.reports.size() == 1);

		token.invalidate();
		db.collection("c").put("x", Map.of("v", 1));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();
		Reports control = new Reports();
		session.addProgressNotification(UPLOAD, REPORT_INDEFINITELY, control::add);
		await().atMost(LONG).until(() -> control.reports.size() == 1);
		assertThat(reports.reports).hasSize(1);

		manager.allUsers().get(0).logOut();
		Reports never = new Reports();
		assertThat(session.addProgressNotification(DOWNLOAD, REPORT_INDEFINITELY, never::add)).isEmpty();
		assertThat(session.addProgressNotification(UPLOAD, FOR_CURRENTLY_OUTSTANDING_WORK, never::add)).isEmpty();
		db.collection("c").put("y", Map.of("v", 2));
		await().during(Duration.ofMillis(300)).atMost(LONG).until(() -> never.reports.isEmpty());
		assertThat(control.reports).hasSize(1);
	}

	@Test
	void aListenerThatBlocksDelaysNeitherSyncNorOtherSessions() throws Exception {
		SyncServer server = server();
		SyncManager manager = manager(server, this.dirA);
		SyncDatabase a = manager.open(config(manager, "a").build());
		SyncDatabase b = manager.open(config(manager, "b").build());
		SyncSession sessionA = manager.sessionFor(a).orElseThrow();
		SyncSession sessionB = manager.sessionFor(b).orElseThrow();
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean blocked = new AtomicBoolean();
		sessionA.addProgressNotification(UPLOAD, REPORT_INDEFINITELY, progress -> {
			blocked.set(true);
			try {
				release.await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		Reports other = new Reports();
		sessionB.addProgressNotification(UPLOAD, REPORT_INDEFINITELY, other::add);
		try {
			await().atMost(LONG).untilTrue(blocked);
			writeBatch(a, "a");
			writeBatch(b, "b");
			assertThat(sessionA.uploadAllLocalChanges(LONG)).isTrue();
			assertThat(sessionB.uploadAllLocalChanges(LONG)).isTrue();
			await().atMost(LONG).until(() -> other.completed() && other.last().transferredBytes() > 0);
			assertThat(release.getCount()).isEqualTo(1); // the first listener was blocked all along
			assertThat(a.pendingChanges()).isZero();
		}
		finally {
			release.countDown();
		}
	}

}
