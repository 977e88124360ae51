package io.syncboot.docs.gettingstarted;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.syncboot.autoconfigure.event.SyncConnectionStateChangedEvent;
import io.syncboot.client.Document;
import io.syncboot.client.SyncCollection;
import io.syncboot.client.SyncDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

// tag::service[]
@Service
public class TaskList {

    private static final Logger logger = LoggerFactory.getLogger(TaskList.class);

    private final SyncCollection tasks;

    TaskList(@Qualifier("tasks") SyncDatabase database) {
        this.tasks = database.collection("tasks");
    }

    public String add(String title) {
        String id = UUID.randomUUID().toString();
        tasks.put(id, Map.of("title", title, "done", false));   // durable now, uploaded when online
        return id;
    }

    public void complete(String id) {
        tasks.update(id, Map.of("done", true));                 // changes only this field
    }

    public List<Document> open() {
        return tasks.find("done", false);
    }

    @EventListener
    void onConnection(SyncConnectionStateChangedEvent event) {
        logger.info("session {} is {}", event.sessionName(), event.newState());
    }
}
// end::service[]
