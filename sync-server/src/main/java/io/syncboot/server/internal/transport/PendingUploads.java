package io.syncboot.server.internal.transport;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The uploads of one connection queued for integration and not durable yet: the connection goes on
 * decoding its next message while they wait, so they can share one commit, and holds back every other
 * message until they are done. Bounded: once {@value #MAX_PENDING} are pending, the connection waits.
 * {@link #add} and {@link #done()} are called on the connection's serial queue; completions arrive on
 * the integrating thread (the writer, or the serial queue itself for a lone upload).
 */
final class PendingUploads {

	/** Uploads pending at most before the connection waits for them. */
	static final int MAX_PENDING = 8;

	private final AtomicInteger count = new AtomicInteger();

	private CompletableFuture<?> all = CompletableFuture.completedFuture(null); // serial queue only

	/**
	 * Adds an upload whose integration is under way.
	 * @param failed called (on the completing thread) with the failure if the integration fails
	 * @return what the serial queue waits for: nothing while below the bound, else every pending
	 * upload
	 */
	CompletionStage<?> add(CompletionStage<?> integration, Consumer<Throwable> failed) {
		this.count.incrementAndGet();
		CompletableFuture<?> finished = integration.toCompletableFuture().handle((result, ex) -> {
			this.count.decrementAndGet();
			if (ex != null) {
				failed.accept(ex);
			}
			return null;
		});
		this.all = this.all.isDone() ? finished : CompletableFuture.allOf(this.all, finished);
		return (this.count.get() >= MAX_PENDING) ? this.all : CompletableFuture.completedFuture(null);
	}

	/** Completes (never exceptionally) once every upload added so far is done. */
	CompletableFuture<?> done() {
		return this.all;
	}

}
