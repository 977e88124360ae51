package io.syncboot.server.internal.session;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.protocol.SyncProtocol;
import io.syncboot.server.SyncPermissions;
import io.syncboot.server.internal.concurrent.ServerExecutors;
import io.syncboot.server.store.HistoryStore;

/**
 * Server sessions on a real store, driven by a test on its own thread: what they send is recorded,
 * pumps they request are recorded (the test pumps), and the writer runs only when the test says.
 */
final class SessionFixture {

	private final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();

	private final List<SyncMessage> sent = new CopyOnWriteArrayList<>();

	private final List<ServerSession> pumps = new CopyOnWriteArrayList<>();

	/** A context whose uploads wait for {@link #runHeldWriterWork()}. */
	ServerContext context(HistoryStore store, ServerExecutors executors) {
		MessageCodec codec = new MessageCodec();
		Partitions partitions = new Partitions(store, codec);
		Executor heldWriter = this.held::add;
		Compensator compensator = new Compensator();
		return new ServerContext(store, executors, partitions,
				new IntegrationBatcher(store, heldWriter, partitions, compensator),
				ServerSettings.of(SyncProtocol.DEFAULT_MAX_MESSAGE_BYTES, Duration.ofSeconds(30),
						SyncProtocol.DEFAULT_BATCH_BYTES),
				codec, SyncPermissions.builder().readWrite("*").build(), compensator);
	}

	/** Runs the writer work queued so far (and what it queues). */
	void runHeldWriterWork() {
		Runnable task;
		while ((task = this.held.poll()) != null) {
			task.run();
		}
	}

	SessionOwner owner() {
		return new SessionOwner() {

			@Override
			public void send(SyncMessage message) {
				SessionFixture.this.sent.add(message);
			}

			@Override
			public boolean canSendMore() {
				return true;
			}

			@Override
			public void requestPump(ServerSession session) {
				SessionFixture.this.pumps.add(session);
			}

		};
	}

	/** What the sessions sent, in order. */
	List<SyncMessage> sent() {
		return this.sent;
	}

	/** The sessions that asked to be pumped, in order. */
	List<ServerSession> pumps() {
		return this.pumps;
	}

	static Changeset put(long clientVersion, String id) {
		return new Changeset(clientVersion, 0, List.of(new Operation.Put("c", id, 1_000 + clientVersion, Map.of("n", 1))));
	}

}
