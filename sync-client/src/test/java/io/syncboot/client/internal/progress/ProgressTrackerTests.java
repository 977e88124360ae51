package io.syncboot.client.internal.progress;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import io.syncboot.client.ProgressDirection;
import io.syncboot.client.ProgressMode;
import io.syncboot.client.ProgressNotificationToken;
import io.syncboot.client.SyncProgress;
import org.junit.jupiter.api.Test;

import static io.syncboot.client.ProgressDirection.DOWNLOAD;
import static io.syncboot.client.ProgressDirection.UPLOAD;
import static io.syncboot.client.ProgressMode.FOR_CURRENTLY_OUTSTANDING_WORK;
import static io.syncboot.client.ProgressMode.REPORT_INDEFINITELY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The tracker's estimate, modes, expiry and delivery, with a direct executor (every offer is
 * delivered at once, in order).
 */
class ProgressTrackerTests {

	private final List<Runnable> queued = new ArrayList<>();

	private final Executor direct = Runnable::run;

	private final ProgressTracker tracker = new ProgressTracker(this.direct);

	private final List<SyncProgress> reports = new CopyOnWriteArrayList<>();

	@Test
	void nothingIsReportedBeforeTheFirstCountersThenTheListenerIsCalledAtOnce() {
		Optional<ProgressNotificationToken> token = this.tracker.register(DOWNLOAD, REPORT_INDEFINITELY, this.reports::add);
		assertThat(token).isPresent();
		assertThat(this.reports).isEmpty();

		this.tracker.update(DOWNLOAD, 100, 400);
		assertThat(this.reports).containsExactly(new SyncProgress(100, 400, 0.25));

		List<SyncProgress> late = new ArrayList<>();
		this.tracker.register(DOWNLOAD, REPORT_INDEFINITELY, late::add);
		assertThat(late).containsExactly(new SyncProgress(100, 400, 0.25));
	}

	@Test
	void theEstimateIsMeasuredFromTheStartOfTheBatchNeverDecreasesWithinItAndEndsAtOne() {
		this.tracker.update(UPLOAD, 1000, 1000);
		this.tracker.register(UPLOAD, REPORT_INDEFINITELY, this.reports::add);
		this.tracker.update(UPLOAD, 1000, 2000); // a new batch of 1000 bytes
		this.tracker.update(UPLOAD, 1500, 2000);
		this.tracker.update(UPLOAD, 1500, 3000); // more work while it runs: the estimate holds
		this.tracker.update(UPLOAD, 2500, 3000);
		this.tracker.update(UPLOAD, 3000, 3000);
		this.tracker.update(UPLOAD, 3000, 3000); // no change, no report

		assertThat(this.reports).extracting(SyncProgress::estimate).containsExactly(1.0, 0.0, 0.5, 0.5, 0.75, 1.0);
		assertThat(this.reports.get(this.reports.size() - 1)).isEqualTo(new SyncProgress(3000, 3000, 1.0));
		assertThat(this.reports.get(this.reports.size() - 1).isTransferComplete()).isTrue();
		assertThat(this.reports.get(2).isTransferComplete()).isFalse();
	}

	@Test
	void outstandingWorkIsCapturedAtRegistrationReportedAgainstItAndExpiresAfterTheFinalCall() {
		this.tracker.update(UPLOAD, 0, 800);
		Optional<ProgressNotificationToken> token = this.tracker.register(UPLOAD, FOR_CURRENTLY_OUTSTANDING_WORK,
				this.reports::add);
		assertThat(token).isPresent();
		this.tracker.update(UPLOAD, 400, 1600); // work added after registration is not waited for
		this.tracker.update(UPLOAD, 800, 1600);
		this.tracker.update(UPLOAD, 1200, 1600);

		assertThat(this.reports).containsExactly(new SyncProgress(0, 800, 0.0), new SyncProgress(400, 800, 0.5),
				new SyncProgress(800, 800, 1.0));
	}

	@Test
	void outstandingWorkRegisteredBeforeAnyProgressCapturesTheFirstCounters() {
		this.tracker.register(DOWNLOAD, FOR_CURRENTLY_OUTSTANDING_WORK, this.reports::add);
		this.tracker.update(DOWNLOAD, 100, 200);
		this.tracker.update(DOWNLOAD, 200, 200);
		this.tracker.update(DOWNLOAD, 200, 500);
		assertThat(this.reports).containsExactly(new SyncProgress(100, 200, 0.5), new SyncProgress(200, 200, 1.0));
	}

	@Test
	void outstandingWorkAlreadyDoneIsReportedOnceAndRegistersNothing() {
		this.tracker.update(UPLOAD, 500, 500);
		Optional<ProgressNotificationToken> token = this.tracker.register(UPLOAD, FOR_CURRENTLY_OUTSTANDING_WORK,
				this.reports::add);
		assertThat(token).isEmpty();
		assertThat(this.reports).containsExactly(new SyncProgress(500, 500, 1.0));
		this.tracker.update(UPLOAD, 500, 900);
		assertThat(this.reports).hasSize(1);
	}

	@Test
	void invalidateAndCloseStopTheReports() {
		ProgressNotificationToken token = this.tracker.register(UPLOAD, REPORT_INDEFINITELY, this.reports::add)
			.orElseThrow();
		List<SyncProgress> other = new ArrayList<>();
		this.tracker.register(UPLOAD, REPORT_INDEFINITELY, other::add);
		this.tracker.update(UPLOAD, 0, 10);
		token.invalidate();
		token.close();
		this.tracker.update(UPLOAD, 5, 10);
		assertThat(this.reports).hasSize(1);
		assertThat(other).hasSize(2);

		this.tracker.close();
		this.tracker.update(UPLOAD, 10, 10);
		assertThat(other).hasSize(2);
		assertThat(this.tracker.register(UPLOAD, REPORT_INDEFINITELY, other::add)).isEmpty();
	}

	@Test
	void aReportNotDeliveredYetIsReplacedByTheNewestAndTheFinalOneAlwaysArrives() {
		ProgressTracker queuedTracker = new ProgressTracker(this.queued::add);
		queuedTracker.register(DOWNLOAD, REPORT_INDEFINITELY, this.reports::add);
		queuedTracker.update(DOWNLOAD, 1, 4);
		queuedTracker.update(DOWNLOAD, 2, 4);
		queuedTracker.update(DOWNLOAD, 4, 4);
		assertThat(this.queued).hasSize(1);
		this.queued.forEach(Runnable::run);
		assertThat(this.reports).containsExactly(new SyncProgress(4, 4, 1.0));
	}

	@Test
	void progressValuesAreChecked() {
		assertThatIllegalArgumentException().isThrownBy(() -> new SyncProgress(-1, 0, 0.0))
			.withMessageContaining("byte counts");
		assertThatIllegalArgumentException().isThrownBy(() -> new SyncProgress(0, 0, 1.5))
			.withMessageContaining("estimate");
		assertThat(ProgressDirection.values()).containsExactly(UPLOAD, DOWNLOAD);
		assertThat(ProgressMode.values()).containsExactly(REPORT_INDEFINITELY, FOR_CURRENTLY_OUTSTANDING_WORK);
	}

}
