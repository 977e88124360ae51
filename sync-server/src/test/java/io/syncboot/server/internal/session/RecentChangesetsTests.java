package io.syncboot.server.internal.session;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.server.store.ChangesetBatch;
import io.syncboot.server.store.ClientFile;
import io.syncboot.server.store.IntegrationResult;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory recent history serves exactly the batches the store would.
 */
class RecentChangesetsTests {

	@TempDir
	Path directory;

	@Test
	void servesTheSameBatchesAsTheStore() {
		long seed = System.nanoTime();
		Random random = new Random(seed);
		MessageCodec codec = new MessageCodec();
		RecentChangesets recent = new RecentChangesets(1000, Long.MAX_VALUE);
		try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(this.directory)) {
			List<ClientFile> files = List.of(store.allocateClientFile("p"), store.allocateClientFile("p"),
					store.allocateClientFile("p"));
			long[] versions = new long[files.size()];
			long clock = 1;
			for (int i = 0; i < 120; i++) {
				int f = random.nextInt(files.size());
				List<Operation> ops = new ArrayList<>();
				for (int o = 0, n = 1 + random.nextInt(5); o < n; o++) {
					ops.add(new Operation.Put("c", "d" + random.nextInt(50), clock++, Map.of("x", "y".repeat(random.nextInt(300)))));
				}
				IntegrationResult result = store.integrate("p", files.get(f).fileId(),
						List.of(new Changeset(++versions[f], 0, ops)));
				for (ServerChangeset changeset : result.integrated()) {
					recent.add(changeset, MessageCodec.utf8Length(codec.encodeOperations(changeset.operations())),
							result.committedAt());
				}
			}
			long latest = store.latestVersion("p");
			for (int i = 0; i < 300; i++) {
				long cursor = random.nextInt((int) latest + 1);
				long exclude = (random.nextBoolean()) ? files.get(random.nextInt(files.size())).fileId() : 0;
				long budget = 1 + random.nextInt(5_000);
				RecentChangesets.Cached cached = recent.after(cursor, latest, exclude, budget);
				ChangesetBatch expected = store.changesetsAfter("p", cursor, exclude, budget);
				String context = "seed " + seed + " cursor " + cursor + " exclude " + exclude + " budget " + budget;
				assertThat(cached).as(context).isNotNull();
				assertThat(cached.batch()).as(context).isEqualTo(expected);
				assertThat(cached.remainingBytes()).as(context)
					.isEqualTo(store.bytesAfter("p", expected.scannedVersion(), exclude));
			}
		}
	}

	@Test
	void coversOnlyAContiguousRange() {
		RecentChangesets recent = new RecentChangesets(3, Long.MAX_VALUE);
		for (long v = 1; v <= 5; v++) {
			recent.add(new ServerChangeset(v, 1, v, List.of(new Operation.Delete("c", "d", v))), 10, 100 + v);
		}
		assertThat(recent.after(1, 5, 0, 100)).as("version 2 was evicted").isNull();
		assertThat(recent.after(2, 5, 0, 100).batch().changesets()).hasSize(3);
		assertThat(recent.after(2, 6, 0, 100)).as("version 6 is not held").isNull();
		recent.add(new ServerChangeset(9, 1, 9, List.of(new Operation.Delete("c", "d", 9))), 10, 109);
		assertThat(recent.after(5, 9, 0, 100)).as("a gap empties it").isNull();
		assertThat(recent.after(8, 9, 0, 100).batch().scannedVersion()).isEqualTo(9);
		assertThat(recent.after(8, 9, 0, 100).batch().scannedCommittedAt()).isEqualTo(109);
	}

}
