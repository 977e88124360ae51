package io.syncboot.server.internal.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.server.store.HistoryStore;
import io.syncboot.server.store.IntegrationResult;
import org.jspecify.annotations.Nullable;

/**
 * The {@link PartitionHub}s of this node's partitions with bound sessions, made when the first
 * session registers (from the store's latest version) and dropped when the last one leaves.
 * This is the local fan-out: after a commit, {@link #committed} pumps every session bound to the
 * partition. Thread-safe.
 */
public final class Partitions {

	private final HistoryStore store;

	private final Map<String, PartitionHub> hubs = new ConcurrentHashMap<>();

	private final MessageCodec codec;

	private final CursorSaltCache salts;

	public Partitions(HistoryStore store, MessageCodec codec) {
		this.store = store;
		this.codec = codec;
		this.salts = new CursorSaltCache(store);
	}

	/** The salts of the history entry at a cursor, read once and kept for the next session at that cursor. */
	CursorSaltCache.@Nullable Salts saltsAt(String partition, long serverVersion) {
		return this.salts.at(partition, serverVersion);
	}

	/** The hub of a partition with sessions bound on this node, if any. */
	public @Nullable PartitionHub hubIfPresent(String partition) {
		return this.hubs.get(partition);
	}

	/**
	 * Registers a session with the hub of its partition, made if the partition has none, and raises
	 * the hub's latest version to {@code latestKnown} (a hub just made also to what the store has
	 * then), pumping its sessions if that moves it: after this, every commit on the partition pumps
	 * the session. Hubs live while sessions are bound (see {@link #unregister}), so the partitions a
	 * node ever served do not each keep one.
	 * @return the hub the session is registered with
	 */
	public PartitionHub register(String partition, ServerSession session, long latestKnown) {
		boolean[] made = new boolean[1];
		PartitionHub registered = this.hubs.compute(partition, (name, hub) -> {
			PartitionHub current = hub;
			if (current == null) {
				current = new PartitionHub(name, latestKnown);
				made[0] = true;
			}
			current.register(session);
			return current;
		});
		// commits between the caller's read and the hub's making pumped no hub: read again
		long latest = made[0] ? Math.max(latestKnown, this.store.latestVersion(partition)) : latestKnown;
		if (latest > registered.latestVersion()) {
			registered.committed(latest);
		}
		return registered;
	}

	/** Removes a session from its hub, and the hub from this node once it has no session left. */
	public void unregister(PartitionHub hub, ServerSession session) {
		this.hubs.computeIfPresent(hub.partition(), (name, current) -> {
			if (current != hub) {
				return current;
			}
			current.unregister(session);
			return (current.sessionCount() == 0) ? null : current;
		});
	}

	/**
	 * Records a commit of this node on a partition and pumps its sessions. Call in commit order (the
	 * {@link IntegrationBatcher} does).
	 */
	public void committed(String partition, IntegrationResult result) {
		PartitionHub partitionHub = this.hubs.get(partition);
		if (partitionHub == null) {
			return; // no session to pump; a hub made later reads the latest version from the store
		}
		if (result.integrated().isEmpty()) {
			partitionHub.committed(result.latestVersion());
		}
		else if (result.integratedBytes().size() == result.integrated().size()) {
			partitionHub.committed(result.latestVersion(), result.integrated(), result.integratedBytes(),
					result.committedAt());
		}
		else {
			partitionHub.committed(result.latestVersion(), result.integrated(), result.integrated()
				.stream()
				.map(changeset -> (long) MessageCodec.utf8Length(this.codec.encodeOperations(changeset.operations())))
				.toList(), result.committedAt());
		}
	}

	/**
	 * Records a commit another node made (a hint from the store's subscription): pumps the sessions
	 * of the partition if this node serves it. Any thread.
	 */
	public void observed(String partition, long latestVersion) {
		PartitionHub partitionHub = this.hubs.get(partition);
		if (partitionHub != null && latestVersion > partitionHub.latestVersion()) {
			partitionHub.committed(latestVersion);
		}
	}

	/** Asks the store for the latest version of every partition with bound sessions (missed hints). */
	public void catchUp() {
		for (PartitionHub partitionHub : this.hubs.values()) {
			if (partitionHub.sessionCount() > 0) {
				long latest = this.store.latestVersion(partitionHub.partition());
				if (latest > partitionHub.latestVersion()) {
					partitionHub.committed(latest);
				}
			}
		}
	}

	/** The number of sessions bound to any partition. */
	public int sessionCount() {
		return this.hubs.values().stream().mapToInt(PartitionHub::sessionCount).sum();
	}

	/** The number of partitions with at least one bound session (a moment's count, like {@link #sessionCount}). */
	public int activePartitionCount() {
		return (int) this.hubs.values().stream().filter(hub -> hub.sessionCount() > 0).count();
	}

}
