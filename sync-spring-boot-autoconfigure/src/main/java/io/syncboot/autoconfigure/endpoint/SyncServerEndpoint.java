package io.syncboot.autoconfigure.endpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.syncboot.server.SyncServerEngine;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code syncserver} actuator endpoint of an application that runs the sync server:
 * {@code GET /actuator/syncserver} shows its open connections, bound sessions and the size of its
 * history store.
 */
@Endpoint(id = "syncserver")
public class SyncServerEndpoint {

	private final SyncServerEngine engine;

	private final String path;

	private final Path dataDirectory;

	public SyncServerEndpoint(SyncServerEngine engine, String path, Path dataDirectory) {
		this.engine = engine;
		this.path = path;
		this.dataDirectory = dataDirectory;
	}

	/** The server's current figures. */
	@ReadOperation
	public ServerDescriptor server() {
		return new ServerDescriptor(this.path, this.engine.connectionCount(), this.engine.sessionCount(),
				historySizeBytes(this.dataDirectory), this.dataDirectory.toAbsolutePath().toString());
	}

	/**
	 * Bytes on disk of the embedded history store in {@code dataDirectory} (database file and its
	 * write-ahead log); 0 if there is none.
	 */
	public static long historySizeBytes(Path dataDirectory) {
		long total = 0;
		for (String suffix : new String[] { "", "-wal" }) {
			Path file = dataDirectory.resolve(JdbcHistoryStore.SQLITE_FILE_NAME + suffix);
			try {
				if (Files.exists(file)) {
					total += Files.size(file);
				}
			}
			catch (IOException ex) {
				// deleted meanwhile: not counted
			}
		}
		return total;
	}

	/**
	 * The sync server's figures.
	 *
	 * @param path the WebSocket endpoint path
	 * @param connections open WebSocket connections
	 * @param sessions sessions bound on this node
	 * @param historySizeBytes bytes on disk of the history store
	 * @param dataDirectory the store's directory
	 */
	public record ServerDescriptor(String path, int connections, int sessions, long historySizeBytes,
			String dataDirectory) implements OperationResponseBody {
	}

}
