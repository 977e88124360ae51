package io.syncboot.server.internal.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.server.store.HistoryStore;
import io.syncboot.server.store.IntegrationResult;
import org.jspecify.annotations.Nullable;

/**
 * The {@link PartitionHub}s of this node, created on first use from the store's latest version.
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

	/** The hub of a partition. */
	public PartitionHub hub(String partition) {
		return this.hubs.computeIfAbsent(partition, p -> new PartitionHub(p, this.store.latestVersion(p)));
	}

	/**
	 * Records a commit of this node on a partition and pumps its sessions. Call in commit order (the
	 * {@link IntegrationBatcher} does).
	 */
	public void committed(String partition, IntegrationResult result) {
		PartitionHub partitionHub = hub(partition);
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
