package io.syncboot.docs.api;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncUser;
import io.syncboot.client.SyncUserState;
import io.syncboot.client.TypedCollection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The typed collection and user removal samples of docs/api.md, run on a local database (the
 * server URL points nowhere; nothing here needs a connection).
 */
class TypedCollectionSampleTests {

    // tag::task[]
    public record Task(String id, String title, boolean done, Instant due) {
    }
    // end::task[]

    @TempDir
    Path directory;

    private SyncManager manager;

    private SyncUser user;

    private SyncDatabase database;

    @BeforeEach
    void open() {
        this.manager = SyncManager.create(SyncClientSettings.builder()
                .serverUrl(URI.create("ws://127.0.0.1:9/sync"))
                .baseDirectory(this.directory)
                .build());
        this.user = this.manager.logIn(SyncCredentials.anonymous());
        this.database = this.manager.open(SyncConfiguration.builder(this.user, "store-42").build());
    }

    @AfterEach
    void close() {
        this.manager.close();
    }

    @Test
    void typedCollectionSample() {
        SyncDatabase database = this.database;
        // tag::typed[]
        TypedCollection<Task> tasks = database.collection("tasks", Task.class);
        tasks.put(new Task("t1", "Count stock", false, Instant.parse("2026-03-01T09:00:00Z")));  // id from the id property
        tasks.update("t1", Map.of("done", true));              // sets this field only
        Optional<Task> counted = tasks.get("t1");              // the id property is filled in
        List<Task> open = tasks.find("done", false);
        database.write(tx -> {                                 // one atomic changeset
            tx.collection("tasks", Task.class).put("t2", new Task(null, "Order", false, null));
            tx.collection("log").put("l1", Map.of("msg", "added t2"));
        });
        // end::typed[]

        assertThat(counted).contains(new Task("t1", "Count stock", true, Instant.parse("2026-03-01T09:00:00Z")));
        assertThat(open).isEmpty();
        assertThat(tasks.find("done", false)).containsExactly(new Task("t2", "Order", false, null));
        assertThat(database.collection("tasks").get("t1").orElseThrow().fields())
                .containsEntry("due", "2026-03-01T09:00:00Z")
                .doesNotContainKey("id");
        assertThat(database.pendingChanges()).isEqualTo(3);
    }

    @Test
    void removeUserSample() {
        SyncUser user = this.user;
        Path file = this.database.path();
        // tag::remove[]
        user.remove();   // logged out, sessions INVALID, databases closed, local files deleted
        // end::remove[]
        assertThat(user.state()).isEqualTo(SyncUserState.REMOVED);
        assertThat(this.database.isClosed()).isTrue();
        assertThat(Files.exists(file)).isFalse();
    }

}
