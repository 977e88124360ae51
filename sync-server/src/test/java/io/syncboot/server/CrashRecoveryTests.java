package io.syncboot.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.protocol.SyncMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acknowledged uploads survive a {@code kill -9} of the standalone server.
 */
class CrashRecoveryTests {

	@TempDir
	Path dataDirectory;

	private ServerProcess startServer() throws Exception {
		return ServerProcess.start("--port=0", "--data-directory=" + this.dataDirectory, "--allow-anonymous");
	}

	@Test
	void acknowledgedUploadsSurviveKill9() throws Exception {
		int cycles = Math.max(2, Integer.getInteger("syncboot.crash.cycles", 2));
		RawSyncClient.Identity identity = null;
		long acknowledged = 0;
		long clock = 1_000;
		java.util.Set<String> acknowledgedIds = new java.util.HashSet<>();
		Changeset unsure = null; // a cycle's last upload, possibly cut by the kill
		for (int cycle = 0; cycle <= cycles; cycle++) {
			ServerProcess server = startServer();
			try (RawSyncClient client = new RawSyncClient(server.url())) {
				if (identity == null) {
					identity = client.bindNew(1, "crash");
				}
				else {
					client.send(new SyncMessage.Bind(1, "crash", false));
					client.send(new SyncMessage.Ident(1, identity.fileId(), identity.fileSalt(), 0, 0, identity.serverSalt()));
				}
				client.downloadsUntil(d -> d.remainingBytes() == 0);
				if (unsure != null) {
					// sent again, as a client sends what it has not seen acknowledged: integrated once,
					// whether it survived the kill or not (the reader below counts the versions)
					client.upload(1, unsure);
					assertThat(client.expect(SyncMessage.Download.class).uploadAck())
						.as("the unsure upload after kill %d", cycle).isEqualTo(unsure.clientVersion());
					acknowledged = unsure.clientVersion();
					acknowledgedIds.add("e" + acknowledged);
				}
				if (cycle == cycles) {
					break;
				}
				for (int i = 0; i < 20; i++) {
					long version = acknowledged + 1;
					String id = "e" + version;
					client.upload(1, new Changeset(version, 0, List.of(new Operation.Put("log", id, ++clock, Map.of("n", version)))));
					assertThat(client.expect(SyncMessage.Download.class).uploadAck()).isEqualTo(version);
					acknowledged = version;
					acknowledgedIds.add(id);
				}
				// one more, possibly cut by the kill: it may survive or not, but never in part
				unsure = new Changeset(acknowledged + 1, 0,
						List.of(new Operation.Put("log", "e" + (acknowledged + 1), ++clock, Map.of("n", 0))));
				client.upload(1, unsure);
			}
			finally {
				server.process().destroyForcibly();
				assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
			}
		}
		ServerProcess server = startServer();
		try (RawSyncClient reader = new RawSyncClient(server.url())) {
			reader.bindNew(1, "crash");
			List<SyncMessage.Download> downloads = reader.downloadsUntil(d -> d.serverVersion() > 0);
			List<String> ids = downloads.stream().flatMap(d -> d.documents().stream()).map(d -> d.key().id()).toList();
			assertThat(ids).containsAll(acknowledgedIds);
			assertThat(downloads.stream().flatMap(d -> d.changesets().stream()).map(ServerChangeset::serverVersion))
				.isEmpty();
			assertThat(downloads.get(downloads.size() - 1).serverVersion()).isEqualTo(acknowledged);
		}
		finally {
			server.process().destroy();
			assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
		}
	}

}
