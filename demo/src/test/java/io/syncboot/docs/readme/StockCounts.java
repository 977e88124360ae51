package io.syncboot.docs.readme;

import java.util.Map;

import io.syncboot.autoconfigure.event.SyncConnectionStateChangedEvent;
import io.syncboot.client.SyncCollection;
import io.syncboot.client.SyncDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

// tag::service[]
@Service
class StockCounts {

    private static final Logger logger = LoggerFactory.getLogger(StockCounts.class);

    private final SyncCollection counts;

    StockCounts(@Qualifier("inventory") SyncDatabase inventory) {
        this.counts = inventory.collection("counts");
    }

    void record(String shelf, int count) {
        counts.put(shelf, Map.of("count", count));   // durable at once, uploaded when online
    }

    @EventListener
    void onConnection(SyncConnectionStateChangedEvent event) {
        logger.info("{} is {}", event.sessionName(), event.newState());
    }
}
// end::service[]
