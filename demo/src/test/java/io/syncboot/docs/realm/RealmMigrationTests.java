package io.syncboot.docs.realm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.syncboot.client.ClientResetMode;
import io.syncboot.client.ConnectionState;
import io.syncboot.client.ErrorAction;
import io.syncboot.client.ProgressDirection;
import io.syncboot.client.ProgressMode;
import io.syncboot.client.ProgressNotificationToken;
import io.syncboot.client.StopPolicy;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncProgress;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import io.syncboot.client.SyncUser;
import io.syncboot.server.SyncServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The samples of docs/migrating-from-realm.md (and the progress sample of docs/api.md), run against
 * an embedded sync server.
 */
class RealmMigrationTests {

    private static final Logger log = LoggerFactory.getLogger(RealmMigrationTests.class);

    @TempDir
    Path directory;

    private SyncServer server;

    private SyncManager manager;

    private SyncDatabase database;

    @BeforeEach
    void startServer() {
        this.server = SyncServer.builder()
            .port(0)
            .dataDirectory(this.directory.resolve("server"))
            .allowAnonymous()
            .build()
            .start();
    }

    @AfterEach
    void stop() {
        if (this.manager != null) {
            this.manager.close();
        }
        this.server.close();
    }

    private SyncSession openSession() {
        Path directory = this.directory.resolve("client");
        // tag::open[]
        SyncManager manager = SyncManager.create(SyncClientSettings.builder()
                .serverUrl(server.url())                      // ws://host:port/sync
                .baseDirectory(directory)                     // one SQLite file per user and partition
                .build());
        SyncUser user = manager.logIn(SyncCredentials.anonymous());   // or token(jwt), apiKey(key)
        SyncDatabase database = manager.open(SyncConfiguration.builder(user, "store-42")
                .stopPolicy(StopPolicy.AFTER_CHANGES_UPLOADED)
                .clientResetMode(ClientResetMode.RECOVER_OR_DISCARD)
                .beforeClientReset((session, before, after) ->
                        log.warn("client reset: {} local changes not yet uploaded", before.pendingChanges()))
                .afterClientReset((session, before, after) ->
                        log.info("client reset done: {} documents", after.size()))
                .build());
        SyncSession session = manager.sessionFor(database).orElseThrow();
        // end::open[]
        this.manager = manager;
        this.database = database;
        return session;
    }

    @Test
    void aSessionOpensActiveWithItsConfiguration() {
        SyncSession session = openSession();
        assertThat(session.state()).isEqualTo(SyncSessionState.ACTIVE);
        assertThat(session.configuration()).hasValueSatisfying(configuration -> {
            assertThat(configuration.partition()).isEqualTo("store-42");
            assertThat(configuration.stopPolicy()).isEqualTo(StopPolicy.AFTER_CHANGES_UPLOADED);
            assertThat(configuration.clientResetMode()).isEqualTo(ClientResetMode.RECOVER_OR_DISCARD);
            assertThat(configuration.beforeClientReset()).isNotNull();
            assertThat(configuration.afterClientReset()).isNotNull();
        });
        assertThat(session.parentUser()).map(SyncUser::id).hasValue("anonymous");
        await().atMost(Duration.ofSeconds(10)).until(() -> session.connectionState() == ConnectionState.CONNECTED);
    }

    @Test
    void suspendResumeAndReconnectDriveTheTwoStateMachines() {
        SyncSession session = openSession();
        List<String> seen = new CopyOnWriteArrayList<>();
        // tag::states[]
        session.addStateListener((oldState, newState) -> log.info("session {} -> {}", oldState, newState));
        session.addConnectionStateListener((oldState, newState, error) -> {
            if (error != null) {
                log.warn("disconnected: {}", error.getMessage());   // transient: it reconnects by itself
            }
        });
        // end::states[]
        session.addConnectionStateListener((oldState, newState, error) -> seen.add(newState.name()));
        await().atMost(Duration.ofSeconds(10)).until(() -> session.connectionState() == ConnectionState.CONNECTED);

        // tag::suspend[]
        session.suspend();     // INACTIVE and disconnected; local writes still commit
        session.resume();      // ACTIVE again; uploads what was written meanwhile
        session.reconnect();   // skip the reconnect backoff and connect now
        // end::suspend[]
        await().atMost(Duration.ofSeconds(10)).until(() -> session.connectionState() == ConnectionState.CONNECTED);
        assertThat(session.state()).isEqualTo(SyncSessionState.ACTIVE);
        assertThat(seen).contains("DISCONNECTED", "CONNECTED");
    }

    @Test
    void progressNotificationsReportTheUpload() throws Exception {
        SyncSession session = openSession();
        List<SyncProgress> reported = new CopyOnWriteArrayList<>();
        // tag::progress[]
        Optional<ProgressNotificationToken> token =
                session.addProgressNotification(ProgressDirection.UPLOAD, ProgressMode.REPORT_INDEFINITELY,
                        progress -> log.info("{} / {} bytes, {}", progress.transferredBytes(),
                                progress.transferableBytes(), progress.estimate()));
        token.ifPresent(ProgressNotificationToken::invalidate);   // or close()
        // end::progress[]
        assertThat(token).isPresent();
        session.addProgressNotification(ProgressDirection.UPLOAD, ProgressMode.REPORT_INDEFINITELY, reported::add);
        this.database.collection("counts").put("shelf-7", Map.of("count", 12));
        // tag::outstanding[]
        session.addProgressNotification(ProgressDirection.UPLOAD, ProgressMode.FOR_CURRENTLY_OUTSTANDING_WORK,
                progress -> {
                    if (progress.isTransferComplete()) {
                        log.info("everything written so far is on the server");
                    }
                });
        // end::outstanding[]
        // tag::waits[]
        session.waitForUploadCompletion().get(30, TimeUnit.SECONDS);      // CompletableFuture<Void>
        session.waitForDownloadCompletion().get(30, TimeUnit.SECONDS);
        boolean uploaded = session.uploadAllLocalChanges(Duration.ofSeconds(30));   // false on timeout
        // end::waits[]
        assertThat(uploaded).isTrue();
        await().atMost(Duration.ofSeconds(10))
            .until(() -> reported.stream().anyMatch(p -> p.transferredBytes() > 0 && p.isTransferComplete()));
    }

    @Test
    void aManualClientResetBacksUpTheLocalFileWhenTheApplicationRunsTheActionToken() {
        SyncManager manager = SyncManager.create(SyncClientSettings.builder()
            .serverUrl(this.server.url())
            .baseDirectory(this.directory.resolve("manual"))
            .build());
        this.manager = manager;
        SyncUser user = manager.logIn(SyncCredentials.anonymous());
        // tag::manual-reset[]
        SyncConfiguration configuration = SyncConfiguration.builder(user, "store-42")
                .clientResetMode(ClientResetMode.MANUAL)
                .errorHandler((session, error) -> {
                    if (error.action() == ErrorAction.CLIENT_RESET) {
                        // back up the local file, then start again from the server's state
                        error.actionToken().ifPresent(manager::immediatelyHandleError);
                        log.warn("local changes kept in {}", error.backupPath().orElse(null));
                    }
                    else if (error.isFatal()) {
                        log.error("session ended: {} ({})", error.message(), error.code());
                    }
                })
                .build();
        // end::manual-reset[]
        SyncDatabase database = manager.open(configuration);
        SyncSession session = manager.sessionFor(database).orElseThrow();
        assertThat(session.configuration()).map(SyncConfiguration::clientResetMode).hasValue(ClientResetMode.MANUAL);
        database.collection("counts").put("shelf-7", Map.of("count", 12));
        assertThat(session.uploadAllLocalChanges(Duration.ofSeconds(30))).isTrue();

        // The server's data is wiped: the client's file is unknown to it, a client reset is required.
        int port = this.server.port();
        this.server.close();
        this.server = SyncServer.builder()
            .port(port)
            .dataDirectory(this.directory.resolve("server-wiped"))
            .allowAnonymous()
            .build()
            .start();
        Path recovery = this.directory.resolve("manual").resolve(user.id()).resolve("recovery");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(recovery).isDirectory();
            try (var files = java.nio.file.Files.list(recovery)) {
                assertThat(files.map(Path::toString)).anyMatch(name -> name.endsWith(".db"));
            }
            assertThat(session.state()).isEqualTo(SyncSessionState.ACTIVE);
        });
        // the token ran from the handler: the same database starts again from the server's state
        assertThat(database.isClosed()).isFalse();
        assertThat(session.downloadAllServerChanges(Duration.ofSeconds(30))).isTrue();
        assertThat(database.collection("counts").get("shelf-7")).isEmpty();
        database.collection("counts").put("shelf-7", Map.of("count", 13));
        assertThat(session.uploadAllLocalChanges(Duration.ofSeconds(30))).isTrue();
    }

}
