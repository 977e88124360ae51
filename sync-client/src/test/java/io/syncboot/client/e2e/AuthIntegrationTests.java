package io.syncboot.client.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.syncboot.client.ConnectionState;
import io.syncboot.client.Document;
import io.syncboot.client.ErrorAction;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import io.syncboot.client.SyncUser;
import io.syncboot.client.SyncUserState;
import io.syncboot.server.SyncPermissions;
import io.syncboot.server.SyncPermissions.Access;
import io.syncboot.server.SyncServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Authentication and permissions against a real server that checks HMAC-signed tokens: permission
 * denied with its action token, rejected writes reverted with a warning, token renewal while
 * connected, and tokens that cannot be renewed.
 */
class AuthIntegrationTests {

	static final Duration LONG = SyncTestSupport.LONG;

	static final String SECRET = "syncboot-test-secret-0123456789-abcdefghij";

	@TempDir
	Path serverDir;

	@TempDir
	Path dirA;

	@TempDir
	Path dirB;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void closeAll() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	private <T extends AutoCloseable> T track(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	private SyncServer server(SyncPermissions permissions) {
		return server(permissions, Duration.ofMinutes(15));
	}

	private SyncServer server(SyncPermissions permissions, Duration tokenTtl) {
		return track(SyncServer.builder()
			.port(0)
			.dataDirectory(this.serverDir)
			.hmacSecret(SECRET)
			.apiKey("key-alice", "alice")
			.tokenTtl(tokenTtl)
			.permissions(permissions)
			.build()
			.start());
	}

	private static SyncPermissions userRules() {
		return SyncPermissions.builder().readWrite("user-${sub}").read("catalog").build();
	}

	private SyncManager manager(SyncServer server, Path dir) {
		return track(SyncManager.create(SyncTestSupport.settings(server.url(), dir)));
	}

	static String jwt(String subject, Duration fromNow, String secret) {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject)
			.issueTime(new Date())
			.expirationTime(Date.from(Instant.now().plus(fromNow)))
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
		try {
			jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	static String jwt(String subject, Duration fromNow) {
		return jwt(subject, fromNow, SECRET);
	}

	@Test
	void bindingAnotherUsersPartitionIsDeniedAndHandlingTheTokenDeletesTheLocalFile() {
		SyncServer server = server(userRules());
		SyncManager manager = manager(server, this.dirA);
		SyncUser alice = manager.logIn(SyncCredentials.token(jwt("alice", Duration.ofHours(1))));
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		SyncDatabase own = manager.open(SyncConfiguration.builder(alice, "user-alice").errorHandler((s, e) -> errors.add(e)).build());
		SyncDatabase other = manager.open(SyncConfiguration.builder(alice, "user-bob").errorHandler((s, e) -> errors.add(e)).build());
		SyncSession otherSession = manager.sessionFor(other).orElseThrow();
		other.collection("notes").put("n1", Map.of("text", "mine?"));

		await().atMost(LONG).until(() -> errors.size() == 1);
		SyncError error = errors.get(0);
		assertThat(error.code()).isEqualTo(232);
		assertThat(error.action()).isEqualTo(ErrorAction.DELETE_DATABASE);
		assertThat(error.isFatal()).isTrue();
		assertThat(error.actionToken()).isPresent();
		assertThat(otherSession.state()).isEqualTo(SyncSessionState.INVALID);
		Path file = other.path();
		assertThat(file).exists();
		// the user's own partition is not affected
		own.collection("notes").put("n1", Map.of("text", "allowed"));
		assertThat(manager.sessionFor(own).orElseThrow().uploadAllLocalChanges(LONG)).isTrue();

		manager.immediatelyHandleError(error.actionToken().get());

		assertThat(file).doesNotExist();
		assertThat(other.isClosed()).isTrue();
		assertThat(errors).hasSize(1);
	}

	@Test
	void aPermissionDeniedTokenThatIsNeverHandledDeletesTheFileAtTheNextStart() {
		SyncServer server = server(userRules());
		SyncManager manager = SyncManager.create(SyncTestSupport.settings(server.url(), this.dirA));
		Path file;
		try {
			SyncUser alice = manager.logIn(SyncCredentials.token(jwt("alice", Duration.ofHours(1))));
			List<SyncError> errors = new CopyOnWriteArrayList<>();
			SyncDatabase other = manager.open(SyncConfiguration.builder(alice, "user-bob").errorHandler((s, e) -> errors.add(e)).build());
			other.collection("notes").put("n1", Map.of("text", "mine?"));
			await().atMost(LONG).until(() -> errors.size() == 1);
			assertThat(errors.get(0).action()).isEqualTo(ErrorAction.DELETE_DATABASE);
			file = other.path();
		}
		finally {
			manager.close();
		}
		assertThat(file).exists();

		track(SyncManager.create(SyncTestSupport.settings(server.url(), this.dirA)));

		assertThat(file).doesNotExist();
	}

	@Test
	void aReadOnlyUsersWriteIsRevertedWithAWarningNamingTheDocumentsAndReachesNoOtherClient() {
		SyncPermissions permissions = (subject, claims, partition) -> partition.equals("catalog")
				? ("admin".equals(subject) ? Access.READ_WRITE : Access.READ) : Access.NONE;
		SyncServer server = server(permissions);
		SyncManager adminManager = manager(server, this.dirB);
		SyncUser admin = adminManager.logIn(SyncCredentials.token(jwt("admin", Duration.ofHours(1))));
		SyncDatabase adminDb = adminManager.open(SyncConfiguration.builder(admin, "catalog").build());
		SyncSession adminSession = adminManager.sessionFor(adminDb).orElseThrow();
		adminDb.collection("items").put("i1", Map.of("name", "Hammer", "price", 10));
		assertThat(adminSession.uploadAllLocalChanges(LONG)).isTrue();

		SyncManager manager = manager(server, this.dirA);
		SyncUser alice = manager.logIn(SyncCredentials.token(jwt("alice", Duration.ofHours(1))));
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		List<Optional<Document>> seenAtWarning = new CopyOnWriteArrayList<>();
		SyncDatabase[] holder = new SyncDatabase[1];
		SyncDatabase db = manager.open(SyncConfiguration.builder(alice, "catalog").errorHandler((s, e) -> {
			seenAtWarning.add(holder[0].collection("items").get("i1"));
			seenAtWarning.add(holder[0].collection("items").get("i2"));
			errors.add(e);
		}).build());
		holder[0] = db;
		SyncSession session = manager.sessionFor(db).orElseThrow();
		assertThat(session.downloadAllServerChanges(LONG)).isTrue();
		assertThat(db.collection("items").get("i1").orElseThrow().get("name")).isEqualTo("Hammer");

		db.write(tx -> {
			tx.collection("items").update("i1", Map.of("name", "Broken"));
			tx.collection("items").put("i2", Map.of("name", "Stolen"));
		});
		assertThat(db.collection("items").get("i1").orElseThrow().get("name")).isEqualTo("Broken");

		await().atMost(LONG).until(() -> errors.size() == 1);
		SyncError warning = errors.get(0);
		assertThat(warning.code()).isEqualTo(233);
		assertThat(warning.action()).isEqualTo(ErrorAction.WARNING);
		assertThat(warning.isFatal()).isFalse();
		assertThat(warning.documents()).containsExactlyInAnyOrder("items/i1", "items/i2");
		// reverted before the handler ran
		assertThat(seenAtWarning.get(0)).hasValueSatisfying(d -> assertThat(d.get("name")).isEqualTo("Hammer"));
		assertThat(seenAtWarning.get(1)).isEmpty();
		assertThat(session.state()).isEqualTo(SyncSessionState.ACTIVE);
		assertThat(db.pendingChanges()).isZero();

		assertThat(adminSession.downloadAllServerChanges(LONG)).isTrue();
		assertThat(adminDb.collection("items").get("i1").orElseThrow().get("name")).isEqualTo("Hammer");
		assertThat(adminDb.collection("items").get("i2")).isEmpty();
		assertThat(SyncTestSupport.contents(db.collection("items")))
			.isEqualTo(SyncTestSupport.contents(adminDb.collection("items")));
	}

	@Test
	void anApiKeyTokenThatExpiresWhileConnectedIsRenewedWithoutLosingData() {
		SyncServer server = server(userRules(), Duration.ofSeconds(10));
		SyncManager manager = manager(server, this.dirA);
		Instant loggedIn = Instant.now();
		SyncUser alice = manager.logIn(SyncCredentials.apiKey("key-alice"));
		assertThat(alice.id()).isEqualTo("alice");
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		SyncDatabase db = manager.open(SyncConfiguration.builder(alice, "user-alice").errorHandler((s, e) -> errors.add(e)).build());
		SyncSession session = manager.sessionFor(db).orElseThrow();
		List<String> states = new CopyOnWriteArrayList<>();
		session.addStateListener((from, to) -> states.add(from + "->" + to));
		List<String> drops = new CopyOnWriteArrayList<>();
		session.addConnectionStateListener((from, to, error) -> {
			if (error != null) {
				drops.add(String.valueOf(error.getMessage()));
			}
		});
		db.collection("notes").put("before", Map.of("n", 1));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();

		await().atMost(LONG).until(() -> states.contains("WAITING_FOR_ACCESS_TOKEN->ACTIVE"));
		assertThat(states).contains("ACTIVE->WAITING_FOR_ACCESS_TOKEN");
		// the connection was opened with the first token: the server closes it when that expires (230, 4001)
		await().atMost(LONG).until(() -> drops.stream().anyMatch(message -> message.contains("expired")));
		assertThat(Instant.now()).isAfter(loggedIn.plusSeconds(9));
		db.collection("notes").put("after", Map.of("n", 2));
		assertThat(session.uploadAllLocalChanges(LONG)).isTrue();

		await().atMost(LONG).until(() -> session.state() == SyncSessionState.ACTIVE);
		assertThat(alice.state()).isEqualTo(SyncUserState.LOGGED_IN);
		assertThat(errors).isEmpty();
		SyncManager other = manager(server, this.dirB);
		SyncDatabase copy = other.open(SyncConfiguration.builder(other.logIn(SyncCredentials.apiKey("key-alice")), "user-alice").build());
		assertThat(other.sessionFor(copy).orElseThrow().downloadAllServerChanges(LONG)).isTrue();
		assertThat(SyncTestSupport.contents(copy.collection("notes"))).containsOnlyKeys("before", "after");
	}

	@Test
	void aFixedTokenThatExpiresLogsTheUserOutAndInvalidatesItsSessions() {
		SyncServer server = server(userRules());
		SyncManager manager = manager(server, this.dirA);
		SyncUser alice = manager.logIn(SyncCredentials.token(jwt("alice", Duration.ofSeconds(8))));
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		SyncDatabase db = manager.open(SyncConfiguration.builder(alice, "user-alice").errorHandler((s, e) -> errors.add(e)).build());
		SyncSession session = manager.sessionFor(db).orElseThrow();
		db.collection("notes").put("n", Map.of("n", 1));

		await().atMost(LONG).until(() -> session.state() == SyncSessionState.INVALID);
		assertThat(alice.state()).isEqualTo(SyncUserState.LOGGED_OUT);
		await().atMost(LONG).until(() -> !errors.isEmpty());
		assertThat(errors.get(0).action()).isEqualTo(ErrorAction.LOG_OUT);
		assertThat(errors.get(0).isFatal()).isTrue();
		// the data stays readable locally
		assertThat(db.collection("notes").get("n")).isPresent();
	}

	@Test
	void aTokenTheServerCannotVerifyLogsTheUserOut() {
		SyncServer server = server(userRules());
		SyncManager manager = manager(server, this.dirA);
		SyncUser alice = manager.logIn(SyncCredentials.token(jwt("alice", Duration.ofHours(1),
				"another-secret-that-is-long-enough-0123456789")));
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		List<String> disconnects = new CopyOnWriteArrayList<>();
		SyncDatabase db = manager.open(SyncConfiguration.builder(alice, "user-alice").errorHandler((s, e) -> errors.add(e)).build());
		SyncSession session = manager.sessionFor(db).orElseThrow();
		session.addConnectionStateListener((oldState, newState, error) -> {
			if (newState == ConnectionState.DISCONNECTED) {
				disconnects.add(String.valueOf(error));
			}
		});

		await().atMost(LONG).until(() -> session.state() == SyncSessionState.INVALID);
		assertThat(alice.state()).isEqualTo(SyncUserState.LOGGED_OUT);
		await().atMost(LONG).until(() -> !errors.isEmpty());
		assertThat(errors.get(0).action()).isEqualTo(ErrorAction.LOG_OUT);
		assertThat(errors.get(0).code()).isEqualTo(231);
		assertThat(errors.get(0).message()).as("the token had not expired").doesNotContain("the token expired")
			.contains("the server refused the token");
		assertThat(disconnects).as("the refused handshake is the error of the disconnect").isNotEmpty()
			.allSatisfy(error -> assertThat(error).contains("refused"));
		assertThat(server.connectionCount()).isZero();
	}

	@Test
	void aRefusedTokenIsNotPresentedAgainWhileItsRenewalIsStillRunning() {
		SyncServer server = server(userRules());
		SyncManager manager = manager(server, this.dirA);
		AtomicInteger asked = new AtomicInteger();
		// the first token is signed with a key the server does not accept (as after a key rotation, or
		// with the server's clock ahead); every renewal takes far longer than the reconnect delay (50 ms)
		SyncUser alice = manager.logIn(SyncCredentials.tokenProvider(() -> {
			if (asked.getAndIncrement() == 0) {
				return jwt("alice", Duration.ofHours(1), "another-secret-that-is-long-enough-0123456789");
			}
			sleep(1500);
			return jwt("alice", Duration.ofHours(1));
		}));
		SyncDatabase db = manager.open(SyncConfiguration.builder(alice, "user-alice").build());
		db.collection("notes").put("n", Map.of("n", 1));
		assertThat(manager.sessionFor(db).orElseThrow().uploadAllLocalChanges(LONG)).isTrue();
		assertThat(alice.state()).as("a second refusal of the same token would have logged alice out")
			.isEqualTo(SyncUserState.LOGGED_IN);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void aHandshakeRefusedForATokenThatIsThenRenewedIsNoConnectionFailureToWarnAbout() {
		SyncServer server = server(userRules());
		SyncManager manager = manager(server, this.dirA);
		AtomicInteger asked = new AtomicInteger();
		// the first token the provider hands out is signed with a key the server does not accept
		SyncUser alice = manager.logIn(SyncCredentials.tokenProvider(() -> (asked.getAndIncrement() == 0)
				? jwt("alice", Duration.ofHours(1), "another-secret-that-is-long-enough-0123456789")
				: jwt("alice", Duration.ofHours(1))));
		Logger logger = (Logger) LoggerFactory.getLogger("io.syncboot.client.internal.connection.Connection");
		ListAppender<ILoggingEvent> log = new ListAppender<>();
		log.start();
		logger.addAppender(log);
		try {
			SyncDatabase db = manager.open(SyncConfiguration.builder(alice, "user-alice").build());
			db.collection("notes").put("n", Map.of("n", 1));
			assertThat(manager.sessionFor(db).orElseThrow().uploadAllLocalChanges(LONG)).isTrue();
		}
		finally {
			logger.detachAppender(log);
		}
		assertThat(asked.get()).as("renewed after the refusal").isGreaterThan(1);
		assertThat(log.list).filteredOn(event -> event.getLevel() == Level.WARN).isEmpty();
	}

	@Test
	void anAnonymousUserOfAServerThatRequiresTokensIsToldSo() {
		SyncServer server = server(userRules());
		SyncManager manager = manager(server, this.dirA);
		SyncUser anonymous = manager.logIn(SyncCredentials.anonymous());
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		SyncDatabase db = manager.open(SyncConfiguration.builder(anonymous, "open").errorHandler((s, e) -> errors.add(e)).build());
		SyncSession session = manager.sessionFor(db).orElseThrow();

		await().atMost(LONG).until(() -> session.state() == SyncSessionState.INVALID);
		await().atMost(LONG).until(() -> !errors.isEmpty());
		assertThat(errors.get(0).action()).isEqualTo(ErrorAction.LOG_OUT);
		assertThat(errors.get(0).message()).contains("requires an access token");
	}

	@Test
	void anApiKeyThatLoggedInBeforeLogsInWhileTheServerIsDownAndSyncsOnceItIsBack() throws Exception {
		SyncServer first = server(userRules());
		int port = first.port();
		java.net.URI url = first.url();
		try (SyncManager manager = SyncManager.create(SyncTestSupport.settings(url, this.dirA))) {
			SyncDatabase db = manager.open(SyncConfiguration.builder(manager.logIn(SyncCredentials.apiKey("key-alice")),
					"user-alice").build());
			db.collection("notes").put("online", Map.of("n", 1));
			assertThat(manager.sessionFor(db).orElseThrow().uploadAllLocalChanges(LONG)).isTrue();
		}
		first.close();

		SyncManager offline = manager(url, this.dirA);
		SyncUser alice = offline.logIn(SyncCredentials.apiKey("key-alice"));
		assertThat(alice.id()).isEqualTo("alice");
		SyncDatabase db = offline.open(SyncConfiguration.builder(alice, "user-alice").build());
		assertThat(db.collection("notes").get("online")).isPresent();
		db.collection("notes").put("offline", Map.of("n", 2));
		// a key that never logged in here cannot be used offline
		assertThatThrownBy(() -> offline.logIn(SyncCredentials.apiKey("key-bob")))
			.isInstanceOf(java.io.UncheckedIOException.class)
			.hasMessageContaining("token endpoint");

		track(SyncServer.builder().port(port).dataDirectory(this.serverDir).hmacSecret(SECRET).apiKey("key-alice", "alice")
			.permissions(userRules()).build().start());
		assertThat(offline.sessionFor(db).orElseThrow().uploadAllLocalChanges(LONG)).isTrue();
		assertThat(alice.state()).isEqualTo(SyncUserState.LOGGED_IN);
		assertThat(Files.readString(this.dirA.resolve("syncboot.api-key-users"))).contains("alice")
			.doesNotContain("key-alice");
	}

	@Test
	void aRemovedUserIsNotLoggedInOfflineWithItsApiKey() {
		SyncServer server = server(userRules());
		java.net.URI url = server.url();
		try (SyncManager manager = SyncManager.create(SyncTestSupport.settings(url, this.dirA))) {
			manager.logIn(SyncCredentials.apiKey("key-alice")).remove();
		}
		server.close();

		SyncManager offline = manager(url, this.dirA);
		assertThatThrownBy(() -> offline.logIn(SyncCredentials.apiKey("key-alice")))
			.isInstanceOf(java.io.UncheckedIOException.class);
		assertThat(this.dirA.resolve("alice")).doesNotExist();
	}

	@Test
	void aUserLoggedInOfflineWhoseKeyNowBelongsToAnotherUserIsLoggedOutWhenItConnects() throws Exception {
		SyncServer first = server(userRules());
		int port = first.port();
		java.net.URI url = first.url();
		try (SyncManager manager = SyncManager.create(SyncTestSupport.settings(url, this.dirA))) {
			assertThat(manager.logIn(SyncCredentials.apiKey("key-alice")).id()).isEqualTo("alice");
		}
		first.close();
		SyncManager offline = manager(url, this.dirA);
		SyncUser alice = offline.logIn(SyncCredentials.apiKey("key-alice"));
		List<SyncError> errors = new CopyOnWriteArrayList<>();
		SyncDatabase db = offline.open(SyncConfiguration.builder(alice, "user-alice").errorHandler((s, e) -> errors.add(e)).build());

		track(SyncServer.builder().port(port).dataDirectory(this.serverDir).hmacSecret(SECRET).apiKey("key-alice", "bob")
			.permissions(userRules()).build().start());

		await().atMost(LONG).until(() -> alice.state() == SyncUserState.LOGGED_OUT);
		await().atMost(LONG).until(() -> !errors.isEmpty());
		assertThat(errors).anySatisfy(error -> {
			assertThat(error.action()).isEqualTo(ErrorAction.LOG_OUT);
			assertThat(error.message()).contains("another user (bob)");
		});
	}

	private SyncManager manager(java.net.URI url, Path dir) {
		return track(SyncManager.create(SyncTestSupport.settings(url, dir)));
	}

	@Test
	void anApiKeyTheServerRefusesFailsTheLogIn() throws Exception {
		SyncServer server = server(userRules());
		SyncManager manager = manager(server, this.dirA);

		assertThatIllegalArgumentException().isThrownBy(() -> manager.logIn(SyncCredentials.apiKey("no-such-key")))
			.withMessageContaining("401");
		assertThat(manager.allUsers()).isEmpty();
		try (var files = Files.list(this.dirA)) {
			assertThat(files.filter(Files::isDirectory)).isEmpty();
		}
	}

}
