package io.syncboot.server.internal.session;

import java.util.List;
import java.util.Map;

import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.protocol.SyncMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A partition's recent changesets live only while a session is bound to it. */
class PartitionHubTests {

	private static final ServerContext NO_CONTEXT = new ServerContext(null, null, null, null, null, null, null, null);

	@Test
	void theLastSessionToLeaveDropsTheRecentChangesetsAndALaterCommitWithoutSessionsKeepsNone() {
		PartitionHub hub = new PartitionHub("p", 0);
		ServerSession first = session(1);
		ServerSession second = session(2);
		hub.register(first);
		hub.register(second);
		hub.committed(1, List.of(changeset(1)), List.of(100L), 1L);
		hub.committed(2, List.of(changeset(2)), List.of(100L), 2L);

		hub.unregister(first);
		assertThat(hub.recent().after(0, 2, 0, Long.MAX_VALUE)).as("one session still bound").isNotNull();
		hub.unregister(second);
		assertThat(hub.recent().after(0, 2, 0, Long.MAX_VALUE)).as("nobody bound").isNull();

		hub.committed(3, List.of(changeset(3)), List.of(100L), 3L);
		assertThat(hub.recent().after(2, 3, 0, Long.MAX_VALUE)).isNull();
		assertThat(hub.latestVersion()).isEqualTo(3);
	}

	private static ServerSession session(long id) {
		return new ServerSession(id, "p", true, "u", new SessionOwner() {

			@Override
			public void send(SyncMessage message) {
			}

			@Override
			public boolean canSendMore() {
				return true;
			}

			@Override
			public void requestPump(ServerSession session) {
			}

		}, NO_CONTEXT);
	}

	private static ServerChangeset changeset(long version) {
		return new ServerChangeset(version, 7, version,
				List.of(new Operation.Put("c", "d" + version, version, Map.of("v", version))));
	}

}
