package io.syncboot.docs.readme;

import java.time.Duration;

import io.syncboot.autoconfigure.test.AutoConfigureSyncTestServer;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncSession;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(properties = "sync.sessions.inventory.partition=store-42")
@AutoConfigureSyncTestServer
class StockCountsTests {

	@Autowired
	StockCounts stockCounts;

	@Autowired
	@Qualifier("inventory")
	SyncDatabase inventory;

	@Autowired
	@Qualifier("inventory")
	SyncSession session;

	@Test
	void recordsACountDurablyAndUploadsIt() {
		this.stockCounts.record("shelf-7", 12);
		assertThat(this.inventory.collection("counts").get("shelf-7"))
			.hasValueSatisfying(document -> assertThat(((Number) document.get("count")).intValue()).isEqualTo(12));
		assertThat(this.session.uploadAllLocalChanges(Duration.ofSeconds(10))).isTrue();
		assertThat(this.inventory.pendingChanges()).isZero();
	}

}
