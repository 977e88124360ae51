package io.syncboot.docs.gettingstarted;

import java.nio.file.Path;
import java.time.Duration;

import io.syncboot.autoconfigure.test.AutoConfigureSyncTestServer;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncUser;
import io.syncboot.server.SyncServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test of docs/getting-started.md: the application's properties from
 * {@code docs/getting-started.properties}, the server an in-JVM one.
 */
@SpringBootTest
@TestPropertySource("classpath:docs/getting-started.properties")
@AutoConfigureSyncTestServer
class TaskListTests {

    // tag::test[]
    @Autowired
    TaskList taskList;

    @Autowired
    @Qualifier("tasks")
    SyncSession tasksSession;

    @Test
    void aTaskIsUploadedToTheServer() {
        String id = taskList.add("Count stock");
        assertThat(tasksSession.uploadAllLocalChanges(Duration.ofSeconds(10))).isTrue();
        assertThat(taskList.open()).extracting(task -> task.id()).contains(id);
    }
    // end::test[]

    // tag::second-client[]
    @Autowired
    SyncServer syncTestServer;

    @Test
    void anotherClientReceivesTheTask(@TempDir Path directory) {
        String id = taskList.add("Label the shelves");
        taskList.complete(id);
        assertThat(tasksSession.uploadAllLocalChanges(Duration.ofSeconds(10))).isTrue();

        // a second client of the same server, as another installation of the application
        SyncClientSettings settings = SyncClientSettings.builder()
            .serverUrl(syncTestServer.url())
            .baseDirectory(directory)
            .build();
        try (SyncManager other = SyncManager.create(settings)) {
            SyncUser user = other.logIn(SyncCredentials.anonymous());
            SyncDatabase tasks = other.open(SyncConfiguration.builder(user, "my-tasks").build());
            SyncSession session = other.sessionFor(tasks).orElseThrow();
            assertThat(session.downloadAllServerChanges(Duration.ofSeconds(10))).isTrue();
            assertThat(tasks.collection("tasks").get(id)).hasValueSatisfying(task -> assertThat(task.fields())
                .containsEntry("title", "Label the shelves")
                .containsEntry("done", true));
        }
        assertThat(taskList.open()).extracting(task -> task.id()).doesNotContain(id);
    }
    // end::second-client[]

}
