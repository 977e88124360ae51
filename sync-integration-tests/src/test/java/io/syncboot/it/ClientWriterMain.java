package io.syncboot.it;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncCollection;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncUser;

/**
 * A client process for crash tests: writes documents {@code <prefix>-0}, {@code <prefix>-1}, ...
 * into collection {@code ledger} and prints {@code WROTE <id>} after each write returned, so every
 * printed id is a write the process was told succeeded. It syncs while it writes.
 *
 * <p>Arguments: server URL, base directory, partition, id prefix, number of writes.
 */
public final class ClientWriterMain {

	static final String COLLECTION = "ledger";

	private ClientWriterMain() {
	}

	public static void main(String[] args) throws Exception {
		URI serverUrl = URI.create(args[0]);
		Path baseDirectory = Path.of(args[1]);
		String partition = args[2];
		String prefix = args[3];
		int count = Integer.parseInt(args[4]);
		try (SyncManager manager = SyncManager.create(settings(serverUrl, baseDirectory))) {
			SyncUser user = manager.logIn(SyncCredentials.anonymous());
			SyncDatabase database = manager.open(SyncConfiguration.builder(user, partition).build());
			SyncCollection ledger = database.collection(COLLECTION);
			System.out.println("READY");
			System.out.flush();
			for (int i = 0; i < count; i++) {
				String id = prefix + "-" + i;
				ledger.put(id, Map.of("n", i, "writer", prefix, "payload", "x".repeat(64)));
				System.out.println("WROTE " + id);
				System.out.flush();
			}
			boolean uploaded = manager.sessionFor(database).orElseThrow().uploadAllLocalChanges(Duration.ofSeconds(60));
			System.out.println(uploaded ? "UPLOADED" : "UPLOAD TIMED OUT");
			System.out.flush();
		}
	}

	static SyncClientSettings settings(URI serverUrl, Path baseDirectory) {
		return SyncClientSettings.builder()
			.serverUrl(serverUrl)
			.baseDirectory(baseDirectory)
			.reconnectInitialDelay(Duration.ofMillis(50))
			.reconnectMaxDelay(Duration.ofMillis(500))
			.build();
	}

}
