package io.syncboot.client.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.syncboot.client.ConnectionState;
import io.syncboot.client.ErrorAction;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import io.syncboot.client.SyncUser;
import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.protocol.SyncProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.syncboot.client.e2e.SyncTestSupport.LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client against a scripted peer: what it sends on the handshake and how it treats a server
 * that breaks the protocol.
 */
class MisbehavingServerIntegrationTests {

	private final MessageCodec codec = new MessageCodec();

	@TempDir
	Path dir;

	private FakeSyncServer server;

	private SyncManager manager;

	@BeforeEach
	void start() throws Exception {
		this.server = new FakeSyncServer();
		this.manager = SyncManager.create(this.server.clientSettings(this.dir));
	}

	@AfterEach
	void stop() throws Exception {
		this.manager.close();
		this.server.close();
	}

	@Test
	void theHandshakeOffersTheSubProtocolAndAFreshBearerTokenEachTime() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		SyncUser user = this.manager.logIn(SyncCredentials.tokenProvider(() -> jwt(calls.incrementAndGet())));
		int afterLogin = calls.get();
		this.manager.open(SyncConfiguration.builder(user, "p").build());

		Map<String, String> first = this.server.acceptHandshake();
		assertThat(first.get(":request")).startsWith("GET /sync ");
		assertThat(first.get("sec-websocket-protocol")).isEqualTo(SyncProtocol.SUBPROTOCOL);
		assertThat(first.get("authorization")).isEqualTo("Bearer " + jwt(afterLogin + 1));
		this.server.refuse(401);

		Map<String, String> second = this.server.acceptHandshake();
		assertThat(second.get("authorization")).isEqualTo("Bearer " + jwt(afterLogin + 2));
	}

	@Test
	void aMalformedMessageEndsTheSessionsWithAProtocolViolation() throws Exception {
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		SyncDatabase db = open(errors);
		SyncSession session = this.manager.sessionFor(db).orElseThrow();
		this.server.upgrade(this.server.acceptHandshake());
		SyncMessage bind = this.codec.decode(this.server.readText());
		assertThat(bind).isInstanceOfSatisfying(SyncMessage.Bind.class, b -> {
			assertThat(b.partition()).isEqualTo("p");
			assertThat(b.needClientFileId()).isTrue();
		});

		this.server.sendText("{\"type\":\"no-such-message\"}");

		await().atMost(LONG).until(() -> session.state() == SyncSessionState.INVALID);
		await().atMost(LONG).until(() -> errors.size() == 1);
		assertThat(errors.get(0).action()).isEqualTo(ErrorAction.PROTOCOL_VIOLATION);
		assertThat(errors.get(0).isFatal()).isTrue();
		assertThat(session.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
	}

	@Test
	void aDownloadCursorThatGoesBackwardsEndsTheSession() throws Exception {
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		SyncDatabase db = open(errors);
		SyncSession session = this.manager.sessionFor(db).orElseThrow();
		db.collection("c").put("mine", Map.of("v", 1));
		this.server.upgrade(this.server.acceptHandshake());
		SyncMessage.Bind bind = (SyncMessage.Bind) this.codec.decode(this.server.readText());
		long id = bind.session();
		this.server.sendText(this.codec.encode(new SyncMessage.Ident(id, 5, 55, 0, 0, 555)));
		SyncMessage.Ident ident = (SyncMessage.Ident) this.codec.decode(this.server.readText());
		assertThat(ident.clientFileId()).isEqualTo(5);
		assertThat(ident.fileSalt()).isEqualTo(55);
		assertThat(ident.serverSalt()).isEqualTo(555);
		assertThat(ident.downloadServerVersion()).isZero();
		SyncMessage.Upload upload = (SyncMessage.Upload) this.codec.decode(this.server.readText());
		assertThat(upload.changesets()).singleElement().satisfies(c -> assertThat(c.clientVersion()).isEqualTo(1));

		this.server.sendText(this.codec.encode(new SyncMessage.Download(id, 10, 0, 1, 0, List.of(), List.of())));
		await().atMost(LONG).until(() -> db.pendingChanges() == 0);
		this.server.sendText(this.codec.encode(new SyncMessage.Download(id, 5, 0, 1, 0, List.of(), List.of())));

		await().atMost(LONG).until(() -> session.state() == SyncSessionState.INVALID);
		await().atMost(LONG).until(() -> errors.size() == 1);
		assertThat(errors.get(0).action()).isEqualTo(ErrorAction.PROTOCOL_VIOLATION);
		assertThat(errors.get(0).message()).contains("behind the stored cursor 10");
	}

	@Test
	void aMissingPongCountsAsADeadConnectionAndTheClientReconnects() throws Exception {
		this.manager.close();
		this.manager = SyncManager.create(SyncClientSettings.builder()
			.serverUrl(this.server.url())
			.baseDirectory(this.dir)
			.reconnectInitialDelay(Duration.ofMillis(50))
			.reconnectMaxDelay(Duration.ofMillis(200))
			.pingInterval(Duration.ofMillis(100))
			.pongTimeout(Duration.ofMillis(400))
			.build());
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		SyncSession session = this.manager.sessionFor(open(errors)).orElseThrow();
		List<Throwable> disconnects = new CopyOnWriteArrayList<>();
		session.addConnectionStateListener((from, to, error) -> {
			if (to == ConnectionState.DISCONNECTED) {
				disconnects.add(error);
			}
		});
		this.server.upgrade(this.server.acceptHandshake());
		// the first ping and the bind come in either order (the bind waits for the session's store work)
		List<Class<?>> first = List.of(this.codec.decode(this.server.readText()).getClass(),
				this.codec.decode(this.server.readText()).getClass());
		assertThat(first).containsExactlyInAnyOrder(SyncMessage.Bind.class, SyncMessage.Ping.class);

		Map<String, String> again = this.server.acceptHandshake();

		assertThat(again.get("sec-websocket-protocol")).isEqualTo(SyncProtocol.SUBPROTOCOL);
		await().atMost(LONG).until(() -> !disconnects.isEmpty());
		assertThat(disconnects.get(0)).hasMessageContaining("no pong");
		assertThat(session.state()).isEqualTo(SyncSessionState.ACTIVE);
		assertThat(errors).isEmpty();
	}

	@Test
	void aHandshakeThatNeverAnswersTimesOutAndIsRetried() throws Exception {
		this.manager.close();
		this.manager = SyncManager.create(SyncClientSettings.builder()
			.serverUrl(this.server.url())
			.baseDirectory(this.dir)
			.reconnectInitialDelay(Duration.ofMillis(50))
			.reconnectMaxDelay(Duration.ofMillis(200))
			.connectTimeout(Duration.ofMillis(500))
			.build());
		SyncSession session = this.manager.sessionFor(open(new CopyOnWriteArrayList<>())).orElseThrow();
		List<Throwable> disconnects = new CopyOnWriteArrayList<>();
		session.addConnectionStateListener((from, to, error) -> {
			if (to == ConnectionState.DISCONNECTED) {
				disconnects.add(error);
			}
		});

		this.server.acceptHandshake(); // and never answer
		this.server.acceptHandshake();

		await().atMost(LONG).until(() -> !disconnects.isEmpty());
		assertThat(disconnects).allSatisfy(error -> assertThat(error).isNotNull());
		assertThat(session.state()).isEqualTo(SyncSessionState.ACTIVE);
	}

	private SyncDatabase open(List<SyncError> errors) {
		SyncUser user = this.manager.logIn(SyncCredentials.anonymous());
		return this.manager.open(SyncConfiguration.builder(user, "p").errorHandler((s, e) -> errors.add(e)).build());
	}

	private static String jwt(int n) {
		return io.syncboot.client.SyncApiTestsAccess.jwt("{\"sub\":\"u\",\"n\":" + n + "}");
	}

}
