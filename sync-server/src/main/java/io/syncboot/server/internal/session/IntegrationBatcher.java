package io.syncboot.server.internal.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

import io.syncboot.core.model.Changeset;
import io.syncboot.server.store.CompensationPlanner;
import io.syncboot.server.store.HistoryStore;
import io.syncboot.server.store.Integration;
import io.syncboot.server.store.IntegrationResult;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: uploads queued while the writer is busy are integrated together in one durable
 * transaction ({@link HistoryStore#integrateAll}), so many clients share one fsync. If a group fails,
 * each upload is retried alone, so one bad upload fails only itself. Uploads of one
 * {@link UploadSequence} (a session's) are integrated in the order they were queued; once one of
 * them fails, the later ones fail too without being integrated, so an acknowledgement never covers a
 * changeset that is not in the history. Thread-safe. The store work runs on the writer thread, or,
 * for an upload queued with {@code runHereIfIdle} while no integration is under way, on the thread
 * that queued it (no hand-off to wake the writer for a lone upload). Either way one integration
 * runs at a time and commits are fanned out in commit order. A changeset the store rejects because
 * it would make a document too large to download fails nothing: its upload's result lists it in
 * {@link IntegrationResult#rejected()} and carries its compensation in {@code integrated}.
 */
public final class IntegrationBatcher {

	private static final Logger logger = LoggerFactory.getLogger(IntegrationBatcher.class);

	private static final int MAX_GROUP = 64;

	private static final long MAX_GROUP_OPERATIONS = 20_000;

	/**
	 * A queued upload, or a barrier ({@code integration} null): a barrier's result completes (with
	 * null) once every upload queued before it is integrated or failed.
	 */
	private record Pending(@Nullable Integration integration, @Nullable CompensationPlanner rejection,
			UploadSequence sequence, CompletableFuture<IntegrationResult> result) {

		boolean isBarrier() {
			return this.integration == null;
		}

		Integration upload() {
			return Objects.requireNonNull(this.integration);
		}

	}

	/**
	 * The uploads of one session, queued in order: a session may queue its next upload before the
	 * previous one is durable. Once one fails, every later one fails without being integrated.
	 * Thread-safe: its state is touched only by the integrating thread, one at a time.
	 */
	public static final class UploadSequence {

		private final LongConsumer onDurable;

		private boolean failed; // integrating thread only

		/**
		 * @param onDurable called on the integrating thread with the new acknowledgement once an upload
		 * is durable, before its commit is fanned out (so the pumps the fan-out requests carry it);
		 * must be quick and must not throw
		 */
		public UploadSequence(LongConsumer onDurable) {
			this.onDurable = onDurable;
		}

	}

	private final HistoryStore store;

	private final Executor writer;

	private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private final Partitions partitions;

	private final CompensationPlanner oversized;

	/**
	 * A batcher whose store plans nothing for a changeset rejected for a document's size (it is
	 * acknowledged and left out, not reverted on its writer's replica): for tests.
	 */
	public IntegrationBatcher(HistoryStore store, Executor writer, Partitions partitions) {
		this(store, writer, partitions, (rejected, current) -> List.of());
	}

	/**
	 * @param oversized plans the compensation of a changeset the store rejects because it would grow a
	 * document past what a download can carry ({@link HistoryStore#integrate(String, long, List,
	 * CompensationPlanner)}); the rejected changesets are in the upload's {@link IntegrationResult#rejected()}
	 */
	public IntegrationBatcher(HistoryStore store, Executor writer, Partitions partitions,
			CompensationPlanner oversized) {
		this.store = store;
		this.writer = writer;
		this.partitions = partitions;
		this.oversized = oversized;
	}

	/** Queues an upload; the future completes once it is durable (on the integrating thread). */
	public CompletableFuture<IntegrationResult> integrate(String partition, long fileId, List<Changeset> changesets) {
		return integrate(partition, fileId, changesets, new UploadSequence(ack -> {
		}));
	}

	/**
	 * Queues the next upload of a sequence; the future completes once it is durable and fanned out
	 * (on the integrating thread), or exceptionally if it or an earlier upload of the sequence failed.
	 */
	public CompletableFuture<IntegrationResult> integrate(String partition, long fileId, List<Changeset> changesets,
			UploadSequence sequence) {
		return integrate(partition, fileId, changesets, sequence, false);
	}

	/**
	 * Queues the next upload of a sequence, as {@link #integrate(String, long, List, UploadSequence)}.
	 * @param runHereIfIdle if no integration is under way, integrate it (with whatever else is
	 * queued) on the calling thread, which then returns only once that commit is durable and fanned
	 * out, instead of handing it to the writer thread; for a caller with nothing else to do
	 * meanwhile (a connection with no further input waiting)
	 */
	public CompletableFuture<IntegrationResult> integrate(String partition, long fileId, List<Changeset> changesets,
			UploadSequence sequence, boolean runHereIfIdle) {
		return enqueue(new Integration(partition, fileId, changesets), null, sequence, runHereIfIdle);
	}

	/**
	 * Queues a rejected upload ({@link HistoryStore#reject}): acknowledged, not integrated, reverted
	 * by the planner's compensating writes, which are fanned out like any commit. The future
	 * completes once that is durable (on the writer thread).
	 */
	public CompletableFuture<IntegrationResult> reject(String partition, long fileId, List<Changeset> changesets,
			CompensationPlanner planner) {
		return enqueue(new Integration(partition, fileId, changesets), planner, new UploadSequence(ack -> {
		}), false);
	}

	/**
	 * Completes (with null, on the integrating thread) once every upload queued before this call is
	 * integrated or has failed: what the store reads then includes whatever they integrated.
	 */
	public CompletableFuture<?> afterQueued() {
		return enqueue(null, null, new UploadSequence(ack -> {
		}), false);
	}

	private CompletableFuture<IntegrationResult> enqueue(@Nullable Integration integration,
			@Nullable CompensationPlanner planner,
			UploadSequence sequence, boolean runHereIfIdle) {
		CompletableFuture<IntegrationResult> result = new CompletableFuture<>();
		this.queue.add(new Pending(integration, planner, sequence, result));
		if (runHereIfIdle && this.scheduled.compareAndSet(false, true)) {
			drain();
		}
		else {
			schedule();
		}
		return result;
	}

	private void schedule() {
		if (!this.queue.isEmpty() && this.scheduled.compareAndSet(false, true)) {
			try {
				this.writer.execute(this::drain);
			}
			catch (RejectedExecutionException ex) {
				this.scheduled.set(false);
				Pending pending;
				while ((pending = this.queue.poll()) != null) {
					pending.result().completeExceptionally(new IllegalStateException("the server is shutting down"));
				}
			}
		}
	}

	/** Integrates one group of queued uploads; the caller holds {@link #scheduled}. */
	private void drain() {
		try {
			List<Pending> group = new ArrayList<>();
			long operations = 0;
			Pending next;
			List<Pending> barriers = new ArrayList<>();
			while (group.size() < MAX_GROUP && operations < MAX_GROUP_OPERATIONS && (next = this.queue.poll()) != null) {
				if (next.isBarrier()) {
					barriers.add(next);
					continue;
				}
				group.add(next);
				operations += next.upload().changesets().stream().mapToLong(c -> c.operations().size()).sum();
			}
			try {
				if (!group.isEmpty()) {
					integrate(group);
				}
			}
			finally {
				barriers.forEach(barrier -> barrier.result().complete(null));
			}
		}
		finally {
			this.scheduled.set(false);
			schedule();
		}
	}

	private void integrate(List<Pending> all) {
		List<Pending> group = new ArrayList<>(all.size());
		for (Pending pending : all) {
			if (pending.sequence().failed) {
				pending.result().completeExceptionally(new IllegalStateException(
						"an earlier upload of this session failed; this one was not integrated"));
			}
			else if (pending.rejection() != null) {
				reject(pending);
			}
			else {
				group.add(pending);
			}
		}
		if (group.size() > 1) {
			try {
				List<IntegrationResult> results = this.store.integrateAll(group.stream().map(Pending::upload).toList(),
						this.oversized);
				for (int i = 0; i < group.size(); i++) {
					durable(group.get(i), results.get(i));
				}
				for (int i = 0; i < group.size(); i++) {
					committed(group.get(i).upload(), results.get(i));
				}
				for (int i = 0; i < group.size(); i++) {
					group.get(i).result().complete(results.get(i));
				}
				return;
			}
			catch (RuntimeException ex) {
				logger.debug("Group of {} uploads failed, integrating them one by one: {}", group.size(), ex.toString());
			}
		}
		for (Pending pending : group) {
			if (pending.sequence().failed) {
				pending.result().completeExceptionally(new IllegalStateException(
						"an earlier upload of this session failed; this one was not integrated"));
				continue;
			}
			IntegrationResult result;
			try {
				Integration integration = pending.upload();
				result = this.store.integrate(integration.partition(), integration.fileId(), integration.changesets(),
						this.oversized);
			}
			catch (RuntimeException ex) {
				pending.sequence().failed = true;
				pending.result().completeExceptionally(ex);
				continue;
			}
			durable(pending, result);
			committed(pending.upload(), result);
			pending.result().complete(result);
		}
	}

	private void reject(Pending pending) {
		Integration integration = pending.upload();
		CompensationPlanner planner = pending.rejection();
		IntegrationResult result;
		try {
			result = this.store.reject(integration.partition(), integration.fileId(), integration.changesets(),
					Objects.requireNonNull(planner));
		}
		catch (RuntimeException ex) {
			pending.sequence().failed = true;
			pending.result().completeExceptionally(ex);
			return;
		}
		durable(pending, result);
		committed(integration, result);
		pending.result().complete(result);
	}

	/** Tells the sequence its upload is durable (before the fan-out). */
	private void durable(Pending pending, IntegrationResult result) {
		try {
			pending.sequence().onDurable.accept(result.uploadAck());
		}
		catch (RuntimeException ex) {
			logger.error("Acknowledging an upload on partition '{}' failed", pending.upload().partition(), ex);
		}
	}

	/** Fans a commit out (in commit order); never lets a fan-out fault fail the upload. */
	private void committed(Integration integration, IntegrationResult result) {
		try {
			this.partitions.committed(integration.partition(), result);
		}
		catch (RuntimeException ex) {
			logger.error("Fan-out of a commit on partition '{}' failed", integration.partition(), ex);
		}
	}

}
