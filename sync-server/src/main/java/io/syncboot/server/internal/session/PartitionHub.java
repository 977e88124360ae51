package io.syncboot.server.internal.session;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.syncboot.core.model.ServerChangeset;

/**
 * One partition's live state: its latest committed server version and the sessions bound to it,
 * which are pumped after every commit. Thread-safe.
 */
public final class PartitionHub {

	private final String partition;

	private final AtomicLong latestVersion;

	private final Set<ServerSession> sessions = ConcurrentHashMap.newKeySet();

	private final RecentChangesets recent = new RecentChangesets(256, 1024 * 1024);

	PartitionHub(String partition, long latestVersion) {
		this.partition = partition;
		this.latestVersion = new AtomicLong(latestVersion);
	}

	public String partition() {
		return this.partition;
	}

	/** The latest committed server version known to this node. */
	public long latestVersion() {
		return this.latestVersion.get();
	}

	void register(ServerSession session) {
		this.sessions.add(session);
	}

	/**
	 * Removes a session; the last one to leave drops the recent changesets, which only serve bound
	 * sessions (a session bound later reads what it misses from the store).
	 */
	void unregister(ServerSession session) {
		if (this.sessions.remove(session) && this.sessions.isEmpty()) {
			this.recent.clear();
		}
	}

	/** The number of sessions bound. */
	public int sessionCount() {
		return this.sessions.size();
	}

	/** The recent changesets held in memory. */
	RecentChangesets recent() {
		return this.recent;
	}

	/**
	 * Records a commit of this node (in commit order, with the changesets, their content bytes and the
	 * commit time the store recorded with them) and asks every bound session to send what is new.
	 */
	void committed(long version, List<ServerChangeset> changesets, List<Long> sizes, long committedAt) {
		if (this.sessions.isEmpty()) {
			this.recent.clear();
		}
		else {
			for (int i = 0; i < changesets.size(); i++) {
				this.recent.add(changesets.get(i), sizes.get(i), committedAt);
			}
		}
		committed(version);
	}

	/** Records a commit (possibly made elsewhere) and asks every bound session to send what is new. */
	void committed(long version) {
		this.latestVersion.accumulateAndGet(version, Math::max);
		for (ServerSession session : this.sessions) {
			session.requestPump();
		}
	}

}
