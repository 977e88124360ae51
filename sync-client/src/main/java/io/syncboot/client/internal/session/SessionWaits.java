package io.syncboot.client.internal.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.syncboot.client.internal.concurrent.EventLoop;

/**
 * The pending {@code waitForUploadCompletion} and {@code waitForDownloadCompletion} futures of a
 * session. Futures complete on the notification thread. Thread-safe.
 */
final class SessionWaits {

	private final EventLoop notifier;

	private final List<UploadWait> uploads = new ArrayList<>(); // guarded by this

	private final Map<Long, CompletableFuture<Void>> downloads = new LinkedHashMap<>(); // guarded by this

	private long nextRequestId; // guarded by this

	SessionWaits(EventLoop notifier) {
		this.notifier = notifier;
	}

	/**
	 * A future that completes once the acknowledged client version reaches {@code target}; cancelled,
	 * it is forgotten.
	 */
	synchronized CompletableFuture<Void> upload(long target, long acknowledged) {
		CompletableFuture<Void> future = new CompletableFuture<>();
		if (acknowledged >= target) {
			complete(future);
		}
		else {
			this.uploads.add(new UploadWait(target, future));
			forgetWhenCancelled(future);
		}
		return future;
	}

	/** Completes the upload waits up to {@code acknowledged}. */
	synchronized void uploaded(long acknowledged) {
		Iterator<UploadWait> it = this.uploads.iterator();
		while (it.hasNext()) {
			UploadWait wait = it.next();
			if (wait.target <= acknowledged) {
				it.remove();
				complete(wait.future);
			}
		}
	}

	/**
	 * An automatic client reset recovered the unacknowledged local changesets up to
	 * {@code lastBefore} as new changesets up to {@code lastRecovered}: the upload waits for the
	 * former now wait for all of the latter (their changes are in them).
	 */
	synchronized void recovered(long lastBefore, long lastRecovered) {
		this.uploads.replaceAll(wait -> wait.target <= lastBefore ? new UploadWait(lastRecovered, wait.future) : wait);
	}

	/**
	 * An automatic client reset discarded the unacknowledged local changesets up to
	 * {@code lastDiscarded}: the upload waits for them fail with {@code error}, since the server never
	 * gets those changes (waits for later changesets, committed after the reset, go on).
	 */
	synchronized void discarded(long lastDiscarded, Throwable error) {
		List<CompletableFuture<Void>> failed = new ArrayList<>();
		Iterator<UploadWait> it = this.uploads.iterator();
		while (it.hasNext()) {
			UploadWait wait = it.next();
			if (wait.target <= lastDiscarded) {
				it.remove();
				failed.add(wait.future);
			}
		}
		if (!failed.isEmpty()) {
			post(() -> failed.forEach(future -> future.completeExceptionally(error)));
		}
	}

	/**
	 * Registers a download wait; the MARK request id is its key. Cancelled, it is forgotten: its MARK
	 * is not sent again.
	 */
	synchronized CompletableFuture<Void> download() {
		CompletableFuture<Void> future = new CompletableFuture<>();
		this.downloads.put(++this.nextRequestId, future);
		forgetWhenCancelled(future);
		return future;
	}

	/** Drops a wait once its future is cancelled (by the application, or by a blocking wait that ends early). */
	private void forgetWhenCancelled(CompletableFuture<Void> future) {
		future.whenComplete((result, error) -> {
			if (future.isCancelled()) {
				forget(future);
			}
		});
	}

	private synchronized void forget(CompletableFuture<Void> future) {
		this.uploads.removeIf(wait -> wait.future == future);
		this.downloads.values().remove(future);
	}

	/** The request ids of the download waits not yet completed. */
	synchronized Set<Long> pendingDownloads() {
		return new TreeSet<>(this.downloads.keySet());
	}

	/** Completes the download wait of a MARK that came back. */
	synchronized void downloaded(long requestId) {
		CompletableFuture<Void> future = this.downloads.remove(requestId);
		if (future != null) {
			complete(future);
		}
	}

	/** Fails every pending wait. */
	synchronized void failAll(Throwable error) {
		List<CompletableFuture<Void>> all = new ArrayList<>(this.downloads.values());
		this.uploads.forEach(wait -> all.add(wait.future));
		this.uploads.clear();
		this.downloads.clear();
		if (!all.isEmpty()) {
			post(() -> all.forEach(future -> future.completeExceptionally(error)));
		}
	}

	private void complete(CompletableFuture<Void> future) {
		post(() -> future.complete(null));
	}

	private void post(Runnable completion) {
		if (!this.notifier.post(completion)) {
			completion.run();
		}
	}

	/** The longest timeout {@link #await} measures; a longer one waits without a time limit. */
	private static final Duration UNBOUNDED = Duration.ofNanos(Long.MAX_VALUE);

	/**
	 * Registers a wait and blocks until it completes or the timeout passes; refuses to block the
	 * engine's own threads (before registering anything). A timeout beyond {@code Long.MAX_VALUE}
	 * nanoseconds (about 292 years, such as {@code ChronoUnit.FOREVER}) waits without a limit. A wait
	 * that did not complete (timeout, interruption) is forgotten.
	 * @param timeout positive (the caller checks it)
	 * @return {@code false} on timeout
	 * @throws IllegalStateException if the wait failed, was interrupted, or runs on an engine thread
	 */
	static boolean await(EngineContext engine, Duration timeout, Supplier<CompletableFuture<Void>> wait) {
		if (engine.loop().inLoop() || engine.notifier().inLoop() || engine.storeThread().inLoop()) {
			throw new IllegalStateException("blocking waits are not allowed on SyncBoot's own threads ("
					+ Thread.currentThread().getName() + "); use the waitFor* futures instead");
		}
		CompletableFuture<Void> future = wait.get();
		try {
			if (timeout.compareTo(UNBOUNDED) >= 0) {
				future.get();
			}
			else {
				future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
			}
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting", ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause().getMessage(), ex.getCause());
		}
		finally {
			// nobody waits for it any more: forgotten, so that it is not kept (nor its MARK sent again)
			future.cancel(false);
		}
	}

	private record UploadWait(long target, CompletableFuture<Void> future) {
	}

}
