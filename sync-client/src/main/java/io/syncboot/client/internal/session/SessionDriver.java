package io.syncboot.client.internal.session;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.syncboot.client.ConnectionState;
import io.syncboot.client.internal.store.SqliteStore;
import org.jspecify.annotations.Nullable;

/**
 * The loop side of a {@link DefaultSyncSession}: owns its current {@link ProtocolSession} (one per
 * activation) and starts, stops and drives it. Loop thread only, except {@link #post}.
 */
final class SessionDriver {

	private final EngineContext engine;

	private volatile @Nullable ProtocolSession protocol; // written on the loop thread only

	private int epoch; // loop thread only: the activation the running protocol session belongs to

	SessionDriver(EngineContext engine) {
		this.engine = engine;
	}

	/** Runs {@code action} on the loop with the current protocol session, if there is one then. */
	void post(Consumer<ProtocolSession> action) {
		this.engine.loop().post(() -> {
			ProtocolSession current = this.protocol;
			if (current != null) {
				action.accept(current);
			}
		});
	}

	/**
	 * Like {@link #post}, but posts nothing while no protocol session runs (suspended, inactive,
	 * closed), so that local writes of an offline session do not wake the loop. Any thread. Safe for
	 * work that a protocol session started later does anyway from the store (such as uploading
	 * committed outbox entries): a caller that committed before this call and sees no protocol
	 * session here is seen by the next one, which reads the store after it was set.
	 */
	void postIfRunning(Consumer<ProtocolSession> action) {
		if (this.protocol != null) {
			post(action);
		}
	}

	/** The activation the running protocol session belongs to (loop). */
	int epoch() {
		this.engine.loop().assertInLoop();
		return this.epoch;
	}

	/** Whether {@code source} is the current protocol session (events of older ones are dropped). */
	boolean isCurrent(ProtocolSession source) {
		this.engine.loop().assertInLoop();
		return this.protocol == source;
	}

	/**
	 * Starts a protocol session on the user's connection unless one of the same activation
	 * ({@code epoch}) runs on {@code store}.
	 */
	void start(DefaultSyncSession owner, SqliteStore store, int epoch, String userId, String partition,
			Supplier<Optional<String>> tokens) {
		this.engine.loop().assertInLoop();
		ProtocolSession running = this.protocol;
		if (running != null && running.store() == store && this.epoch == epoch) {
			return;
		}
		if (running != null) {
			// the session stopped (or its database was reopened, or a client reset replaced its file) since
			// this one started: start over, and say so (listeners see DISCONNECTED before CONNECTING again)
			stop();
			owner.setConnectionState(ConnectionState.DISCONNECTED, null);
		}
		this.epoch = epoch;
		ProtocolSession started = new ProtocolSession(owner, this.engine, store,
				this.engine.pool().connectionFor(userId, tokens), partition);
		this.protocol = started;
		started.start();
	}

	/**
	 * Closes a store on the store thread, after the work queued for it; waits for that unless called
	 * on an engine thread. Any thread.
	 */
	void release(SqliteStore store) {
		if (this.engine.storeThread().inLoop() || this.engine.loop().inLoop()) {
			this.engine.storeThread().post(store::close);
			return;
		}
		try {
			this.engine.storeThread().submit(store::close).get(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			store.close();
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			store.close();
		}
	}

	/**
	 * Stops the current protocol session.
	 * @return whether one was running
	 */
	boolean stop() {
		this.engine.loop().assertInLoop();
		ProtocolSession current = this.protocol;
		if (current == null) {
			return false;
		}
		this.protocol = null;
		current.stop();
		return true;
	}

}
