package io.syncboot.docs.gettingstarted;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import io.syncboot.autoconfigure.test.AutoConfigureSyncTestServer;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
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

    @Autowired
    SyncServer syncTestServer;

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

    @Test
    void anotherClientReceivesTheTaskAndItsCompletion(@TempDir Path directory) {
        String id = this.taskList.add("Label the shelves");
        this.taskList.complete(id);
        assertThat(this.tasksSession.uploadAllLocalChanges(Duration.ofSeconds(10))).isTrue();
        URI url = this.syncTestServer.url();
        try (SyncManager other = SyncManager.create(
                SyncClientSettings.builder().serverUrl(url).baseDirectory(directory).build())) {
            SyncDatabase tasks = other.open(
                    SyncConfiguration.builder(other.logIn(SyncCredentials.anonymous()), "my-tasks").build());
            assertThat(other.sessionFor(tasks).orElseThrow().downloadAllServerChanges(Duration.ofSeconds(10)))
                .isTrue();
            assertThat(tasks.collection("tasks").get(id)).hasValueSatisfying(
                    task -> assertThat(task.fields()).containsEntry("title", "Label the shelves")
                        .containsEntry("done", true));
        }
        assertThat(this.taskList.open()).extracting(task -> task.id()).doesNotContain(id);
    }

}
