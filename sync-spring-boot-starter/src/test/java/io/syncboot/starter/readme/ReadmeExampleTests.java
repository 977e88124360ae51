package io.syncboot.starter.readme;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.syncboot.autoconfigure.test.AutoConfigureSyncTestServer;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncSession;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Use it in a Spring Boot app" example compiles, runs against the test server, and
 * is the code the README shows.
 */
@SpringBootTest(properties = { "sync.sessions.inventory.partition=store-42",
		"sync.base-directory=target/readme-it/${random.uuid}" })
@AutoConfigureSyncTestServer
class ReadmeExampleTests {

	@Autowired
	StockCounts stockCounts;

	@Autowired
	@Qualifier("inventory")
	SyncDatabase inventory;

	@Autowired
	@Qualifier("inventory")
	SyncSession inventorySession;

	@Test
	void recordsAndUploadsACount() {
		this.stockCounts.record("shelf-7", 12);
		assertThat(this.inventory.collection("counts").get("shelf-7"))
			.hasValueSatisfying(document -> assertThat(document.get("count")).isEqualTo(12L));
		assertThat(this.inventorySession.uploadAllLocalChanges(Duration.ofSeconds(20))).isTrue();
		assertThat(this.inventory.pendingChanges()).isZero();
	}

	@Test
	void theReadmeShowsThisCode() throws IOException {
		String source = Files.readString(Path.of("src/test/java/io/syncboot/starter/readme/StockCounts.java"));
		String example = source.substring(source.indexOf("// README:begin\n") + "// README:begin\n".length(),
				source.indexOf("// README:end"));
		String readme = Files.readString(Path.of("..", "README.md"));
		assertThat(readme).contains(example);
		assertThat(readme).contains("sync.sessions.inventory.partition=store-42");
	}

}
