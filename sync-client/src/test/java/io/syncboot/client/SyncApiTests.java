package io.syncboot.client;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The public API offline: argument checks, local reads and writes, listeners and lifecycle. The
 * server URL points nowhere; sessions keep trying to connect in the background.
 */
class SyncApiTests {

	@TempDir
	Path base;

	private SyncManager manager;

	private SyncUser user;

	@BeforeEach
	void create() {
		this.manager = SyncManager.create(OfflineClients.settings(this.base));
		this.user = this.manager.logIn(SyncCredentials.anonymous());
	}

	@AfterEach
	void close() {
		this.manager.close();
	}

	private SyncDatabase open(String partition) {
		return this.manager.open(SyncConfiguration.builder(this.user, partition).build());
	}

	@Test
	void settingsHaveTheContractDefaultsAndRejectBadValues() {
		SyncClientSettings settings = SyncClientSettings.builder()
			.serverUrl(OfflineClients.NOWHERE)
			.baseDirectory(this.base)
			.build();
		assertThat(settings.reconnectInitialDelay()).isEqualTo(Duration.ofSeconds(1));
		assertThat(settings.reconnectMultiplier()).isEqualTo(2.0);
		assertThat(settings.reconnectMaxDelay()).isEqualTo(Duration.ofMinutes(5));
		assertThat(settings.reconnectJitter()).isEqualTo(0.25);
		assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(120));
		assertThat(settings.pingInterval()).isEqualTo(Duration.ofSeconds(60));
		assertThat(settings.pongTimeout()).isEqualTo(Duration.ofSeconds(120));
		assertThat(settings.multiplex()).isTrue();

		SyncClientSettings.Builder builder = SyncClientSettings.builder();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.serverUrl(URI.create("http://localhost/sync")))
			.withMessageContaining("serverUrl").withMessageContaining("ws or wss");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.serverUrl(null)).withMessageContaining("serverUrl");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.pingInterval(Duration.ofSeconds(-1)))
			.withMessageContaining("pingInterval").withMessageContaining("positive");
		// longer than a year would overflow the timers: refused, naming the setting
		for (java.util.function.Consumer<Duration> setting : List.<java.util.function.Consumer<Duration>>of(
				builder::pingInterval, builder::pongTimeout, builder::connectTimeout, builder::connectionLinger,
				builder::reconnectInitialDelay, builder::reconnectMaxDelay)) {
			assertThatIllegalArgumentException().isThrownBy(() -> setting.accept(ChronoUnit.FOREVER.getDuration()))
				.withMessageContaining("at most 365 days");
		}
		assertThat(builder.connectionLinger(Duration.ofDays(365))).isNotNull();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.connectTimeout(Duration.ZERO))
			.withMessageContaining("connectTimeout");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.reconnectJitter(1.0))
			.withMessageContaining("reconnectJitter");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.reconnectMultiplier(0.5))
			.withMessageContaining("reconnectMultiplier");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxMessageBytes(1000))
			.withMessageContaining("maxMessageBytes");
		assertThatIllegalArgumentException().isThrownBy(() -> SyncClientSettings.builder().baseDirectory(this.base).build())
			.withMessageContaining("serverUrl");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SyncClientSettings.builder()
				.serverUrl(OfflineClients.NOWHERE)
				.baseDirectory(this.base)
				.reconnectInitialDelay(Duration.ofMinutes(10))
				.build())
			.withMessageContaining("reconnectInitialDelay");
	}

	@Test
	void credentialsAndConfigurationsAreValidated() {
		assertThatIllegalArgumentException().isThrownBy(() -> SyncCredentials.token("not-a-jwt")).withMessageContaining("JWT");
		assertThatIllegalArgumentException().isThrownBy(() -> SyncCredentials.tokenProvider(null))
			.withMessageContaining("provider");
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.logIn(SyncCredentials.token(jwt("{}"))))
			.withMessageContaining("sub");
		SyncUser alice = this.manager.logIn(SyncCredentials.token(jwt("{\"sub\":\"alice\"}")));
		assertThat(alice.id()).isEqualTo("alice");
		assertThat(this.manager.logIn(SyncCredentials.tokenProvider(() -> jwt("{\"sub\":\"alice\"}")))).isSameAs(alice);

		assertThatIllegalArgumentException().isThrownBy(() -> SyncConfiguration.builder(null, "p"))
			.withMessageContaining("user");
		assertThatIllegalArgumentException().isThrownBy(() -> SyncConfiguration.builder(alice, "../etc"))
			.withMessageContaining("partition");
		SyncConfiguration configuration = SyncConfiguration.builder(alice, "store-42").build();
		assertThat(configuration.stopPolicy()).isEqualTo(StopPolicy.AFTER_CHANGES_UPLOADED);
		assertThat(configuration.clientResetMode()).isEqualTo(ClientResetMode.RECOVER_OR_DISCARD);
		assertThat(configuration.user()).isSameAs(alice);
		assertThat(configuration.partition()).isEqualTo("store-42");
	}

	@Test
	void aDatabaseIsOpenInOneManagerAtATime() {
		SyncDatabase mine = open("store-42");
		mine.collection("orders").put("o1", Map.of("total", 1));
		try (SyncManager other = SyncManager.create(OfflineClients.settings(this.base))) {
			SyncUser same = other.logIn(SyncCredentials.anonymous());
			// a second manager on the same base directory would keep its own client versions for the file
			assertThatIllegalStateException()
				.isThrownBy(() -> other.open(SyncConfiguration.builder(same, "store-42").build()))
				.withMessageContaining("is open in another SyncManager");
			// another partition of the same base directory is its own file
			assertThat(other.open(SyncConfiguration.builder(same, "store-43").build()).isClosed()).isFalse();
			// (closing the database alone keeps the file open while its changes wait to upload)
			this.manager.close();
			SyncDatabase reopened = other.open(SyncConfiguration.builder(same, "store-42").build());
			assertThat(reopened.collection("orders").get("o1")).isPresent();
		}
	}

	@Test
	void writesAreReadableDurableAndReported() {
		SyncDatabase db = open("store-42");
		List<DatabaseChange> changes = new CopyOnWriteArrayList<>();
		List<String> threads = new CopyOnWriteArrayList<>();
		db.addChangeListener(change -> {
			changes.add(change);
			threads.add(Thread.currentThread().getName());
		});
		SyncCollection tasks = db.collection("tasks");

		tasks.put("t1", Map.of("title", "Count stock", "done", false));
		tasks.put("t2", Map.of("title", "Order", "done", false));
		tasks.update("t1", Map.of("done", true));
		tasks.unset("t2", "done");
		tasks.delete("t2");

		assertThat(tasks.get("t1").map(Document::fields)).contains(Map.of("title", "Count stock", "done", true));
		assertThat(tasks.get("t2")).isEmpty();
		assertThat(tasks.count()).isEqualTo(1);
		assertThat(tasks.find("done", true)).extracting(Document::id).containsExactly("t1");
		assertThat(tasks.all()).extracting(Document::id).containsExactly("t1");
		assertThat(db.pendingChanges()).isEqualTo(5);
		assertThat(db.isDocumentPending("tasks", "t2")).isTrue();
		assertThat(db.isDocumentPending("tasks", "t3")).isFalse();
		await().until(() -> changes.size() == 5);
		assertThat(changes).allSatisfy(change -> {
			assertThat(change.remote()).isFalse();
			assertThat(change.writtenAt()).isNull();
		});
		assertThat(changes.get(0).ids("tasks")).containsExactly("t1");
		assertThat(threads).allSatisfy(name -> assertThat(name).startsWith("syncboot-notify-"));
		assertThat(db.path()).startsWith(this.base).hasFileName("store-42.db");
	}

	@Test
	void aDatabaseChangeCopiesItsIdsAndHasAWriteTimeOnlyWhenRemote() {
		Map<String, Set<String>> ids = new HashMap<>(Map.of("tasks", Set.of("t1")));
		Instant at = Instant.parse("2026-11-27T10:00:00Z");
		DatabaseChange remote = new DatabaseChange(true, ids, at);
		ids.clear();
		assertThat(remote.ids("tasks")).containsExactly("t1");
		assertThat(remote.writtenAt()).isEqualTo(at);
		assertThat(new DatabaseChange(false, Map.of()).writtenAt()).isNull();
		assertThatIllegalArgumentException().isThrownBy(() -> new DatabaseChange(false, Map.of(), at))
			.withMessageContaining("writtenAt is for remote changes only");
		assertThatIllegalArgumentException().isThrownBy(() -> new DatabaseChange(true, null, at))
			.withMessageContaining("changes");
	}

	@Test
	void aWriteBlockCommitsAllOrNothing() {
		SyncDatabase db = open("p");
		db.write(tx -> {
			tx.collection("tasks").put("t1", Map.of("n", 1));
			tx.collection("tasks").update("t1", Map.of("m", 2));
			tx.collection("log").put("l1", Map.of("msg", "created t1"));
		});
		assertThat(db.pendingChanges()).isEqualTo(1);
		assertThat(db.collection("tasks").get("t1").map(Document::fields)).contains(Map.of("n", 1L, "m", 2L));
		assertThat(db.collection("log").count()).isEqualTo(1);

		assertThatIllegalStateException().isThrownBy(() -> db.write(tx -> {
			tx.collection("tasks").put("t2", Map.of("n", 2));
			tx.collection("log").put("l2", Map.of("msg", "created t2"));
			throw new IllegalStateException("abort");
		})).withMessage("abort");
		assertThat(db.pendingChanges()).isEqualTo(1);
		assertThat(db.collection("tasks").get("t2")).isEmpty();
		assertThat(db.collection("log").get("l2")).isEmpty();
	}

	@Test
	void badArgumentsAndClosedHandlesFailClearly() {
		SyncDatabase db = open("p");
		SyncCollection tasks = db.collection("tasks");
		SyncSession session = this.manager.sessionFor(db).orElseThrow();

		assertThatIllegalArgumentException().isThrownBy(() -> db.collection("1bad")).withMessageContaining("collection");
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.put(null, Map.of())).withMessageContaining("id");
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.put("a", Map.of("x", new Object())))
			.withMessageContaining("unsupported value type");
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.put("a", null)).withMessageContaining("fields");
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.update("a", Map.of())).withMessageContaining("field");
		assertThatIllegalStateException().isThrownBy(() -> tasks.update("missing", Map.of("x", 1)))
			.withMessageContaining("does not exist locally");
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.unset("a")).withMessageContaining("field");
		// half an emoji is not Unicode text: no replica could store or send it as written
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.put("a", Map.of("title", "smile \ud83d")))
			.withMessageContaining("unpaired UTF-16 surrogate");
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.put("a\ude00", Map.of()))
			.withMessageContaining("unpaired UTF-16 surrogate");
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.put("a", Map.of("m", Map.of("\ud83d", 1))))
			.withMessageContaining("unpaired UTF-16 surrogate");
		assertThatIllegalArgumentException().isThrownBy(() -> session.uploadAllLocalChanges(Duration.ofSeconds(-1)))
			.withMessageContaining("timeout");
		assertThatIllegalArgumentException().isThrownBy(() -> session.addStateListener(null))
			.withMessageContaining("listener");
		assertThatIllegalArgumentException().isThrownBy(() -> db.write(null)).withMessageContaining("block");
		assertThatIllegalStateException().isThrownBy(() -> open("p")).withMessageContaining("already open");
		assertThat(db.pendingChanges()).isZero();

		db.close();
		assertThatIllegalStateException().isThrownBy(() -> tasks.get("a")).withMessageContaining("closed");
		assertThatIllegalStateException().isThrownBy(() -> db.collection("tasks")).withMessageContaining("closed");
		assertThat(this.manager.sessionFor(db)).isEmpty();

		this.manager.close();
		assertThatIllegalStateException().isThrownBy(() -> open("q")).withMessageContaining("closed");
		assertThatIllegalStateException().isThrownBy(() -> this.manager.logIn(SyncCredentials.anonymous()))
			.withMessageContaining("closed");
	}

	@Test
	void fileNamesAreEscapedUnderTheBaseDirectory() {
		SyncUser odd = this.manager.logIn(SyncCredentials.token(jwt("{\"sub\":\"../../a b/é\"}")));
		SyncDatabase db = this.manager.open(SyncConfiguration.builder(odd, "x:y|z.w").build());
		Path path = db.path();
		assertThat(path.normalize()).startsWith(this.base);
		assertThat(path.getParent().getParent()).isEqualTo(this.base);
		assertThat(path.getFileName().toString()).doesNotContain(":", "|").endsWith(".db");
		db.collection("c").put("1", Map.of());
		assertThat(Files.exists(path)).isTrue();
	}

	@Test
	void closingTheManagerInvalidatesEverythingAndReleasesTheFiles() throws Exception {
		SyncDatabase db = open("p");
		SyncSession session = this.manager.sessionFor(db).orElseThrow();
		List<SyncSessionState> states = new CopyOnWriteArrayList<>();
		session.addStateListener((from, to) -> states.add(to));
		db.collection("tasks").put("t1", Map.of("n", 1));
		var upload = session.waitForUploadCompletion();
		var download = session.waitForDownloadCompletion();
		assertThat(this.manager.allSessions()).containsExactly(session);

		this.manager.close();

		assertThat(session.state()).isEqualTo(SyncSessionState.INVALID);
		assertThat(session.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
		assertThat(session.configuration()).isEmpty();
		assertThat(session.parentUser()).isEmpty();
		assertThat(upload).isCompletedExceptionally();
		assertThat(download).isCompletedExceptionally();
		assertThat(session.waitForUploadCompletion()).isCompletedExceptionally();
		assertThat(db.isClosed()).isTrue();
		assertThatIllegalStateException().isThrownBy(() -> db.collection("tasks"));
		assertThat(states).containsExactly(SyncSessionState.INVALID);
		session.resume();
		assertThat(session.state()).isEqualTo(SyncSessionState.INVALID);
		this.manager.close();
		await().atMost(Duration.ofSeconds(30)).until(() -> Thread.getAllStackTraces().keySet().stream()
			.noneMatch(t -> t.isAlive() && t.getName().matches("syncboot-(loop|store|notify|send|auth)-\\d+")));
		try (var files = Files.walk(this.base)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		}
		assertThat(Files.exists(this.base)).isFalse();
	}

	@Test
	void loggingOutInvalidatesTheUsersSessionsButKeepsItsDatabasesUsable() {
		SyncDatabase p = open("p");
		SyncDatabase q = open("q");
		SyncUser bob = this.manager.logIn(SyncCredentials.token(jwt("{\"sub\":\"bob\"}")));
		SyncDatabase bobs = this.manager.open(SyncConfiguration.builder(bob, "p").build());
		SyncSession sessionP = this.manager.sessionFor(p).orElseThrow();
		SyncSession sessionQ = this.manager.sessionFor(q).orElseThrow();

		this.user.logOut();

		assertThat(this.user.state()).isEqualTo(SyncUserState.LOGGED_OUT);
		assertThat(sessionP.state()).isEqualTo(SyncSessionState.INVALID);
		assertThat(sessionQ.state()).isEqualTo(SyncSessionState.INVALID);
		assertThat(this.manager.sessionFor(bobs).orElseThrow().state()).isEqualTo(SyncSessionState.ACTIVE);
		assertThat(this.manager.allSessions()).hasSize(1);
		assertThat(this.manager.allUsers()).containsExactly(bob);
		p.collection("c").put("still", Map.of("local", true));
		assertThat(p.collection("c").get("still")).isPresent();
		assertThatIllegalStateException().isThrownBy(() -> open("r")).withMessageContaining("LOGGED_OUT");
	}

	@Test
	void reopeningAfterCloseKeepsTheDataAndRevivesTheSession() {
		SyncDatabase db = this.manager.open(SyncConfiguration.builder(this.user, "p")
			.stopPolicy(StopPolicy.IMMEDIATELY).build());
		SyncSession session = this.manager.sessionFor(db).orElseThrow();
		db.collection("c").put("a", Map.of("v", 1));
		db.close();
		assertThat(session.state()).isEqualTo(SyncSessionState.INACTIVE);
		session.resume();
		assertThat(session.state()).isEqualTo(SyncSessionState.INACTIVE);

		SyncDatabase reopened = open("p");
		assertThat(reopened.collection("c").get("a").map(d -> d.get("v"))).contains(1L);
		assertThat(reopened.pendingChanges()).isEqualTo(1);
		assertThat(this.manager.sessionFor(reopened)).containsSame(session);
		assertThat(session.state()).isEqualTo(SyncSessionState.ACTIVE);
		assertThat(session.configuration().map(SyncConfiguration::stopPolicy)).contains(StopPolicy.AFTER_CHANGES_UPLOADED);
	}

	@Test
	void everySessionMethodRejectsBadArguments() {
		SyncSession session = this.manager.sessionFor(open("p")).orElseThrow();
		ProgressListener listener = progress -> {
		};
		assertThatIllegalArgumentException().isThrownBy(() -> session.addStateListener(null))
			.withMessage("listener must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> session.addConnectionStateListener(null))
			.withMessage("listener must not be null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> session.addProgressNotification(null, ProgressMode.REPORT_INDEFINITELY, listener))
			.withMessage("direction must not be null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> session.addProgressNotification(ProgressDirection.UPLOAD, null, listener))
			.withMessage("mode must not be null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> session.addProgressNotification(ProgressDirection.UPLOAD, ProgressMode.REPORT_INDEFINITELY,
					null))
			.withMessage("listener must not be null");
		for (Duration bad : new Duration[] { null, Duration.ZERO, Duration.ofMillis(-1) }) {
			assertThatIllegalArgumentException().isThrownBy(() -> session.uploadAllLocalChanges(bad))
				.withMessageContaining("timeout");
			assertThatIllegalArgumentException().isThrownBy(() -> session.downloadAllServerChanges(bad))
				.withMessageContaining("timeout");
		}
		ListenerToken token = session.addStateListener((from, to) -> {
		});
		token.close();
		token.close();
	}

	@Test
	void everyManagerMethodRejectsBadArgumentsAndAClosedManager() {
		SyncDatabase db = open("p");
		assertThatIllegalArgumentException().isThrownBy(() -> SyncManager.create(null)).withMessageContaining("settings");
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.logIn(null))
			.withMessageContaining("credentials");
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.immediatelyHandleError(null))
			.withMessage("token must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.open(null))
			.withMessageContaining("configuration");
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.sessionFor(null))
			.withMessageContaining("database");
		try (SyncManager other = SyncManager.create(SyncClientSettings.builder()
			.serverUrl(OfflineClients.NOWHERE)
			.baseDirectory(this.base.resolve("other"))
			.build())) {
			SyncUser stranger = other.logIn(SyncCredentials.anonymous());
			assertThatIllegalArgumentException()
				.isThrownBy(() -> this.manager.open(SyncConfiguration.builder(stranger, "p").build()))
				.withMessageContaining("was not logged in with this manager");
			assertThat(other.sessionFor(db)).isEmpty();
		}

		this.manager.close();
		assertThat(this.manager.settings().baseDirectory()).isEqualTo(this.base);
		assertThatIllegalStateException().isThrownBy(() -> this.manager.logIn(SyncCredentials.anonymous()))
			.withMessage("the sync manager is closed");
		assertThatIllegalStateException().isThrownBy(() -> this.manager.open(SyncConfiguration.builder(this.user, "q").build()))
			.withMessage("the sync manager is closed");
		assertThatIllegalStateException().isThrownBy(() -> this.manager.sessionFor(db))
			.withMessage("the sync manager is closed");
		assertThatIllegalStateException().isThrownBy(() -> this.manager.allSessions())
			.withMessage("the sync manager is closed");
		assertThatIllegalStateException().isThrownBy(() -> this.manager.allUsers())
			.withMessage("the sync manager is closed");
		assertThatIllegalStateException().isThrownBy(() -> this.manager.reconnect())
			.withMessage("the sync manager is closed");
		this.manager.close();
	}

	@Test
	void theBaseDirectoryCanBeDeletedRightAfterClose() throws Exception {
		Path base = this.base.resolve("deleted");
		SyncManager local = SyncManager.create(
				SyncClientSettings.builder().serverUrl(OfflineClients.NOWHERE).baseDirectory(base).build());
		SyncUser anonymous = local.logIn(SyncCredentials.anonymous());
		SyncUser alice = local.logIn(SyncCredentials.token(jwt("{\"sub\":\"alice\"}")));
		SyncDatabase open = local.open(SyncConfiguration.builder(anonymous, "open").build());
		SyncDatabase dying = local.open(SyncConfiguration.builder(anonymous, "dying").build());
		SyncDatabase live = local.open(SyncConfiguration.builder(alice, "live")
			.stopPolicy(StopPolicy.LIVE_INDEFINITELY).build());
		SyncDatabase suspended = local.open(SyncConfiguration.builder(alice, "suspended").build());
		for (SyncDatabase db : List.of(open, dying, live, suspended)) {
			db.collection("c").put("x", Map.of("v", 1));
		}
		local.sessionFor(suspended).orElseThrow().suspend();
		SyncSession dyingSession = local.sessionFor(dying).orElseThrow();
		dying.close();
		live.close();
		assertThat(dyingSession.state()).isEqualTo(SyncSessionState.DYING);

		local.close();

		try (var files = Files.walk(base)) {
			for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
		assertThat(Files.exists(base)).isFalse();
	}

	static String jwt(String payload) {
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		return encoder.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
				+ encoder.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".sig";
	}

}
