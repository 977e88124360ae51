package io.syncboot.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.syncboot.core.merge.ReplicaState;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.protocol.SyncProtocol;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several raw clients write concurrently to one partition; every replica (its own writes plus what
 * it downloaded) converges to the server's state, and hostile input is refused without harm.
 */
class ConvergenceTests {

	@TempDir
	Path dataDirectory;

	@Test
	void concurrentWritersConverge() throws Exception {
		long seed = System.nanoTime();
		int clients = 4;
		int changesetsEach = 40;
		List<ReplicaState> replicas = new ArrayList<>();
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.dataDirectory).allowAnonymous()
			.build().start()) {
			ExecutorService pool = Executors.newFixedThreadPool(clients);
			try {
				java.util.concurrent.CountDownLatch allAcknowledged = new java.util.concurrent.CountDownLatch(clients);
				List<CompletableFuture<ReplicaState>> results = new ArrayList<>();
				for (int c = 0; c < clients; c++) {
					long clientSeed = seed + c;
					results.add(CompletableFuture.supplyAsync(() -> runClient(server, clientSeed, changesetsEach, allAcknowledged),
							pool));
				}
				for (CompletableFuture<ReplicaState> result : results) {
					replicas.add(result.get(60, TimeUnit.SECONDS));
				}
			}
			finally {
				pool.shutdownNow();
			}
		}
		try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(this.dataDirectory)) {
			assertThat(store.latestVersion("converge")).as("seed " + seed).isEqualTo((long) clients * changesetsEach);
			ReplicaState serverState = new ReplicaState();
			store.snapshot("converge", null, Long.MAX_VALUE).documents().forEach(serverState::merge);
			for (ReplicaState replica : replicas) {
				assertThat(replica).as("replica converged, seed " + seed).isEqualTo(serverState);
			}
		}
	}

	private static ReplicaState runClient(SyncServer server, long seed, int changesets,
			java.util.concurrent.CountDownLatch allAcknowledged) {
		Random random = new Random(seed);
		ReplicaState replica = new ReplicaState();
		io.syncboot.core.model.HybridLogicalClock clock = new io.syncboot.core.model.HybridLogicalClock(
				System::currentTimeMillis, 0);
		try (RawSyncClient client = new RawSyncClient(server.url())) {
			long fileId = client.bindNew(1, "converge").fileId();
			long ack = 0;
			long cursor = 0;
			Map<Long, Boolean> seen = new HashMap<>();
			for (int v = 1; v <= changesets; v++) {
				List<Operation> ops = new ArrayList<>();
				for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
					String id = "doc-" + random.nextInt(20);
					long ts = clock.next();
					ops.add(switch (random.nextInt(4)) {
						case 0 -> new Operation.Put("items", id, ts, Map.of("a", random.nextInt(100), "b", "x"));
						case 1 -> new Operation.Update("items", id, ts, Map.of("a", random.nextInt(100)));
						case 2 -> new Operation.Unset("items", id, ts, java.util.Set.of("b"));
						default -> new Operation.Delete("items", id, ts);
					});
				}
				ops.forEach(op -> replica.apply(op, fileId));
				client.upload(1, new Changeset(v, cursor, ops));
			}
			// apply downloads until our changesets are acknowledged and, once every writer's are, a mark
			// confirms that everything committed was sent
			boolean counted = false;
			boolean markSent = false;
			while (true) {
				SyncMessage message = client.poll(java.time.Duration.ofMillis(50));
				if (message instanceof SyncMessage.Download download) {
					assertThat(download.serverVersion()).isGreaterThanOrEqualTo(cursor);
					for (ServerChangeset changeset : download.changesets()) {
						assertThat(changeset.originFileId()).isNotEqualTo(fileId);
						assertThat(seen.put(changeset.serverVersion(), true)).as("duplicate").isNull();
						replica.apply(changeset);
					}
					download.documents().forEach(replica::merge);
					cursor = download.serverVersion();
					ack = download.uploadAck();
				}
				else if (message instanceof SyncMessage.Mark mark) {
					assertThat(mark.requestId()).isEqualTo(1);
					return replica;
				}
				else if (message != null) {
					throw new AssertionError("unexpected " + message);
				}
				if (ack == changesets && !counted) {
					allAcknowledged.countDown();
					counted = true;
				}
				if (counted && !markSent && allAcknowledged.getCount() == 0) {
					client.send(new SyncMessage.Mark(1, 1));
					markSent = true;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void hostileInputIsRefusedAndOthersGoOn() {
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.dataDirectory).allowAnonymous()
			.build().start(); RawSyncClient good = new RawSyncClient(server.url())) {
			good.bindNew(1, "hostile");
			good.expect(SyncMessage.Download.class);
			List<String> hostile = List.of("[]", "42", "{\"type\":\"nope\"}", "{\"type\":\"ping\"}",
					"{\"type\":\"bind\",\"session\":1,\"partition\":\"a\",\"needClientFileId\":true,\"session\":2}",
					"{\"type\":\"download\",\"session\":1,\"serverVersion\":0,\"uploadAck\":0,\"remainingBytes\":0,"
							+ "\"changesets\":[],\"documents\":[]}",
					"{\"type\":\"ident\",\"session\":9,\"clientFileId\":1,\"fileSalt\":1,\"downloadServerVersion\":0,"
							+ "\"serverSalt\":0}",
					"[".repeat(5000));
			for (String text : hostile) {
				try (RawSyncClient bad = new RawSyncClient(server.url())) {
					bad.sendText(text);
					SyncMessage.Error error = bad.expect(SyncMessage.Error.class);
					assertThat(error.session()).as(text).isZero();
					assertThat(error.code()).as(text).isIn(ErrorCode.MALFORMED_MESSAGE, ErrorCode.UNKNOWN_SESSION);
					assertThat(bad.awaitCloseCode()).isEqualTo(SyncProtocol.CLOSE_PROTOCOL_ERROR);
				}
			}
			try (RawSyncClient bad = new RawSyncClient(server.url())) {
				bad.sendBinary(new byte[] { 1, 2, 3 });
				assertThat(bad.expect(SyncMessage.Error.class).code()).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
				assertThat(bad.awaitCloseCode()).isEqualTo(SyncProtocol.CLOSE_PROTOCOL_ERROR);
			}
			good.send(new SyncMessage.Ping(9));
			assertThat(good.expect(SyncMessage.Pong.class).timestamp()).isEqualTo(9);
			org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
				.until(() -> server.connectionCount() == 1);
		}
	}

}
