package io.syncboot.client.e2e;

import java.util.Map;

import io.syncboot.client.LocalFiles;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import io.syncboot.server.SyncServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A download the client fails to apply, against a real server: whatever the failure, it is
 * downloaded again, and nothing received after it is applied first (which would move the cursor
 * past it for good).
 */
class DownloadFailureIntegrationTests extends SyncFixture {

	/** Two clients of one server on partition "p", each session with the database it syncs. */
	private record Devices(SyncManager managerA, SyncManager managerB, SyncDatabase onA, SyncDatabase onB,
			SyncSession sessionA, SyncSession sessionB) {
	}

	/** B writes documents {@code ids} of collection "c" ({@code v} 1), A downloads them. */
	private Devices devicesThatSynced(String... ids) {
		SyncServer server = server();
		SyncManager managerA = manager(server, this.dirA);
		SyncManager managerB = manager(server, this.dirB);
		SyncDatabase onA = managerA.open(config(managerA, "p").build());
		SyncDatabase onB = managerB.open(config(managerB, "p").build());
		SyncSession sessionA = managerA.sessionFor(onA).orElseThrow();
		SyncSession sessionB = managerB.sessionFor(onB).orElseThrow();
		for (String id : ids) {
			onB.collection("c").put(id, Map.of("v", 1));
		}
		assertThat(sessionB.uploadAllLocalChanges(LONG)).isTrue();
		assertThat(sessionA.downloadAllServerChanges(LONG)).isTrue();
		return new Devices(managerA, managerB, onA, onB, sessionA, sessionB);
	}

	@Test
	void aDownloadWhoseMergeFailsIsDownloadedAgainAndNothingAfterItIsAppliedBefore() {
		Devices devices = devicesThatSynced("x", "y");
		SyncManager managerA = devices.managerA();
		SyncManager managerB = devices.managerB();
		SyncDatabase onA = devices.onA();
		SyncDatabase onB = devices.onB();
		SyncSession sessionA = devices.sessionA();
		SyncSession sessionB = devices.sessionB();
		assertThat(onA.collection("c").get("x")).hasValueSatisfying(x -> assertThat(x.fields()).containsEntry("v", 1L));
		Connections connections = new Connections(sessionA);
		// x's merge state on A now holds y's: merging a change of x into it throws (no database error)
		String stateOfX = LocalFiles.queryText(onA.path(), "SELECT state FROM documents WHERE collection = 'c' AND id = 'x'");
		LocalFiles.runSql(onA.path(), "UPDATE documents SET state = (SELECT state FROM documents WHERE collection = 'c'"
				+ " AND id = 'y') WHERE collection = 'c' AND id = 'x'");

		onB.collection("c").update("x", Map.of("v", 2));
		assertThat(sessionB.uploadAllLocalChanges(LONG)).isTrue();
		onB.collection("c").put("later", Map.of("v", 3));
		assertThat(sessionB.uploadAllLocalChanges(LONG)).isTrue();
		await().atMost(LONG).until(() -> connections.lost() >= 1 || onA.collection("c").get("later").isPresent());

		// the change after the failed one waits for it: applied first, it would move the cursor past it
		assertThat(onA.collection("c").get("later")).isEmpty();
		// the failing session starts over on its own: A's other session on the connection goes on
		SyncDatabase otherOnA = managerA.open(config(managerA, "q").build());
		SyncDatabase otherOnB = managerB.open(config(managerB, "q").build());
		otherOnB.collection("c").put("meanwhile", Map.of("v", 4));
		await().atMost(LONG).until(() -> otherOnA.collection("c").get("meanwhile").isPresent());
		Connections other = new Connections(managerA.sessionFor(otherOnA).orElseThrow());
		long failures = connections.lost();
		await().atMost(LONG).until(() -> connections.lost() > failures); // p failed again
		assertThat(other.lost()).as("the connection q shares with p was not dropped").isZero();
		assertThat(onA.collection("c").get("later")).isEmpty();
		LocalFiles.runSql(onA.path(), "UPDATE documents SET state = '" + stateOfX.replace("'", "''")
				+ "' WHERE collection = 'c' AND id = 'x'");
		sessionA.reconnect(); // binds at once instead of waiting out the delay after the failures
		assertThat(sessionA.downloadAllServerChanges(LONG)).isTrue();
		assertThat(onA.collection("c").get("x")).hasValueSatisfying(x -> assertThat(x.fields()).containsEntry("v", 2L));
		assertThat(onA.collection("c").get("later")).isPresent();
	}

	@Test
	void aStoredStateThatNoLongerDecodesIsALocalFailureNotAProtocolViolation() {
		Devices devices = devicesThatSynced("x");
		SyncDatabase onA = devices.onA();
		SyncDatabase onB = devices.onB();
		SyncSession sessionA = devices.sessionA();
		SyncSession sessionB = devices.sessionB();
		Connections connections = new Connections(sessionA);
		// x's merge state on A is damaged (a disk fault, a hand edit): it no longer decodes
		String stateOfX = LocalFiles.queryText(onA.path(), "SELECT state FROM documents WHERE collection = 'c' AND id = 'x'");
		LocalFiles.runSql(onA.path(), "UPDATE documents SET state = '{\"damaged' WHERE collection = 'c' AND id = 'x'");

		onB.collection("c").update("x", Map.of("v", 2));
		assertThat(sessionB.uploadAllLocalChanges(LONG)).isTrue();
		await().atMost(LONG).until(() -> connections.lost() >= 1);

		// the session is not ended as if the server broke the protocol: it binds again, and applies
		// the change once the file is repaired
		assertThat(sessionA.state()).isEqualTo(SyncSessionState.ACTIVE);
		assertThat(connections.changes).filteredOn(change -> change.error() != null).first()
			.satisfies(change -> assertThat(change.error()).hasMessageContaining("does not decode")
				.hasMessageNotContaining("broke the protocol"));
		LocalFiles.runSql(onA.path(), "UPDATE documents SET state = '" + stateOfX.replace("'", "''")
				+ "' WHERE collection = 'c' AND id = 'x'");
		sessionA.reconnect();
		assertThat(sessionA.downloadAllServerChanges(LONG)).isTrue();
		assertThat(onA.collection("c").get("x")).hasValueSatisfying(x -> assertThat(x.fields()).containsEntry("v", 2L));
		assertThat(sessionA.state()).isEqualTo(SyncSessionState.ACTIVE);
	}

}
