package io.syncboot.server.internal.session;

import java.util.LinkedHashMap;
import java.util.Map;

import io.syncboot.server.store.HistoryEntry;
import io.syncboot.server.store.HistoryStore;
import org.jspecify.annotations.Nullable;

/**
 * The cursor salts ({@link CursorSalts}) of the history entries idents and downloads asked for
 * last, so that clients reconnecting at the same cursor (all of a partition's up-to-date clients
 * after a restart or a deploy) read and decode that entry once, not once each: an entry's salt
 * depends on the whole of its operations, which the store decodes, and an entry once committed never
 * changes. Holds at most {@value #MAX_ENTRIES} entries, the least recently used leaving first.
 * Thread-safe; a miss reads the store on the calling thread.
 */
final class CursorSaltCache {

	static final int MAX_ENTRIES = 4096;

	/**
	 * The salts of one entry.
	 * @param salt its cursor salt
	 * @param withoutCommitTime the salt as a server built before commit times were mixed in gave it
	 */
	record Salts(long salt, long withoutCommitTime) {
	}

	private record Key(String partition, long serverVersion) {
	}

	private final HistoryStore store;

	private final Map<Key, Salts> salts = new LinkedHashMap<>(64, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<Key, Salts> eldest) {
			return size() > MAX_ENTRIES;
		}

	};

	CursorSaltCache(HistoryStore store) {
		this.store = store;
	}

	/** The salts of a partition's entry at a version; null for version 0 and for an entry that is gone (compacted). */
	@Nullable Salts at(String partition, long serverVersion) {
		if (serverVersion == 0) {
			return null;
		}
		Key key = new Key(partition, serverVersion);
		synchronized (this.salts) {
			Salts cached = this.salts.get(key);
			if (cached != null) {
				return cached;
			}
		}
		HistoryEntry entry = this.store.entryAt(partition, serverVersion).orElse(null);
		if (entry == null) {
			return null;
		}
		Salts computed = new Salts(CursorSalts.of(entry), CursorSalts.withoutCommitTime(entry.changeset()));
		synchronized (this.salts) {
			this.salts.put(key, computed);
		}
		return computed;
	}

}
