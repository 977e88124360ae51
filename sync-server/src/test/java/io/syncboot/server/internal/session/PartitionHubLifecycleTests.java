package io.syncboot.server.internal.session;

import java.nio.file.Path;
import java.util.List;

import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.server.internal.concurrent.ServerExecutors;
import io.syncboot.server.store.ClientFile;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node keeps a partition's live state only while sessions are bound to it (a client binding many
 * partition names in turn does not grow the server's memory), and a session bound after commits
 * made while the partition had none downloads them.
 */
class PartitionHubLifecycleTests {

	@TempDir
	Path directory;

	private final SessionFixture fixture = new SessionFixture();

	@Test
	void aPartitionsHubLivesWhileSessionsAreBound() throws Exception {
		try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(this.directory);
				ServerExecutors executors = new ServerExecutors(2)) {
			ServerContext context = this.fixture.context(store, executors);
			for (int i = 0; i < 100; i++) {
				String partition = "p-" + i;
				ClientFile file = store.allocateClientFile(partition, "a");
				ServerSession first = bound(context, store, 1, partition, file);
				ServerSession second = bound(context, store, 2, partition, file);
				first.release();
				assertThat(context.partitions().hubIfPresent(partition)).isNotNull();
				second.release();
				second.release(); // idempotent
				assertThat(context.partitions().hubIfPresent(partition)).isNull();
			}
			assertThat(context.partitions().sessionCount()).isZero();
		}
	}

	@Test
	void aSessionBoundAfterCommitsMadeWithoutAHubDownloadsThem() throws Exception {
		try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(this.directory);
				ServerExecutors executors = new ServerExecutors(2)) {
			ServerContext context = this.fixture.context(store, executors);
			ClientFile writer = store.allocateClientFile("p", "w");
			ClientFile reader = store.allocateClientFile("p", "a");
			store.integrate("p", writer.fileId(), List.of(SessionFixture.put(1, "d1")), (rejected, current) -> List.of());
			ServerSession early = bound(context, store, 1, "p", reader, 1);
			early.release();
			// committed through the node while no session is bound: no hub is pumped, none is made
			context.integrations().integrate("p", writer.fileId(), List.of(SessionFixture.put(2, "d2")));
			this.fixture.runHeldWriterWork();
			assertThat(context.partitions().hubIfPresent("p")).isNull();

			ServerSession late = bound(context, store, 2, "p", reader, 1);
			assertThat(context.partitions().hubIfPresent("p").latestVersion()).isEqualTo(2);
			late.pumpStarting();
			late.pump();
			assertThat(this.fixture.sent()).filteredOn(SyncMessage.Download.class::isInstance)
				.map(SyncMessage.Download.class::cast)
				.anySatisfy(download -> assertThat(download.changesets()).singleElement()
					.satisfies(changeset -> assertThat(changeset.serverVersion()).isEqualTo(2)));
		}
	}

	private ServerSession bound(ServerContext context, JdbcHistoryStore store, long id, String partition,
			ClientFile file) {
		return bound(context, store, id, partition, file, 0);
	}

	private ServerSession bound(ServerContext context, JdbcHistoryStore store, long id, String partition,
			ClientFile file, long cursor) {
		ServerSession session = new ServerSession(id, partition, true, "a", this.fixture.owner(), context);
		session.ident(new SyncMessage.Ident(id, file.fileId(), file.salt(), cursor, 0, store.serverSalt()));
		return session;
	}

}
