package io.syncboot.docs.configuration;

import java.time.Duration;
import java.util.Map;

import io.syncboot.autoconfigure.test.AutoConfigureSyncTestServer;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncSession;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

// tag::test[]
@SpringBootTest(properties = "sync.sessions.orders.partition=orders")
@AutoConfigureSyncTestServer
class OrderSyncTests {

    @Autowired
    @Qualifier("orders")
    SyncDatabase orders;

    @Autowired
    @Qualifier("orders")
    SyncSession ordersSession;

    @Test
    void uploadsAnOrder() {
        orders.collection("orders").put("o1", Map.of("total", 42));
        assertThat(ordersSession.uploadAllLocalChanges(Duration.ofSeconds(10))).isTrue();
    }
}
// end::test[]
