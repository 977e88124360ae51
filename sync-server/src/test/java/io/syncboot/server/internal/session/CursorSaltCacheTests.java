package io.syncboot.server.internal.session;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.server.store.ClientFile;
import io.syncboot.server.store.HistoryEntry;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Cursor salts are read from the store once per history entry, then served from memory. */
class CursorSaltCacheTests {

	@TempDir
	Path directory;

	@Test
	void anEntrysSaltsAreReadOnceAndKeptAfterwards() {
		try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(this.directory)) {
			ClientFile file = store.allocateClientFile("p");
			store.integrate("p", file.fileId(), List.of(
					new Changeset(1, 0, List.of(new Operation.Put("t", "a", 10, Map.of("n", 1)))),
					new Changeset(2, 0, List.of(new Operation.Put("t", "b", 11, Map.of("n", 2))))));
			HistoryEntry first = store.entryAt("p", 1).orElseThrow();
			CursorSaltCache cache = new CursorSaltCache(store);

			CursorSaltCache.Salts salts = cache.at("p", 1);
			assertThat(salts).isEqualTo(new CursorSaltCache.Salts(CursorSalts.of(first),
					CursorSalts.withoutCommitTime(first.changeset())));
			assertThat(cache.at("p", 0)).as("no entry at version 0").isNull();
			assertThat(cache.at("q", 1)).as("no such partition").isNull();

			// the entry leaves the store (compaction): its salts are still known, without a read
			store.compact(Long.MAX_VALUE);
			assertThat(store.entryAt("p", 1)).isEmpty();
			assertThat(cache.at("p", 1)).isEqualTo(salts);
			assertThat(new CursorSaltCache(store).at("p", 1)).isNull();
		}
	}

}
