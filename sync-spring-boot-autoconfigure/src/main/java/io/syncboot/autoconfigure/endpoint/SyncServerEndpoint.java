package io.syncboot.autoconfigure.endpoint;

import java.nio.file.Path;

import io.syncboot.server.SyncServerEngine;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code syncserver} actuator endpoint of an application that runs the sync server:
 * {@code GET /actuator/syncserver} shows its open connections, bound sessions, the partitions with
 * sessions on this node, and the partitions and size of its history store (both read from the store
 * on each call, on the calling thread). Thread-safe; a failure of the store's database propagates
 * to the caller (the actuator answers with an error).
 */
@Endpoint(id = "syncserver")
public class SyncServerEndpoint {

	private final SyncServerEngine engine;

	private final String path;

	private final @Nullable Path dataDirectory;

	/**
	 * @param dataDirectory the directory of the embedded file store, or {@code null} when the
	 * history is in another database
	 */
	public SyncServerEndpoint(SyncServerEngine engine, String path, @Nullable Path dataDirectory) {
		this.engine = engine;
		this.path = path;
		this.dataDirectory = dataDirectory;
	}

	/** The server's current figures. */
	@ReadOperation
	public ServerDescriptor server() {
		Path directory = this.dataDirectory;
		return new ServerDescriptor(this.path, this.engine.connectionCount(), this.engine.sessionCount(),
				this.engine.activePartitionCount(), this.engine.store().partitionCount(),
				this.engine.store().sizeBytes(), (directory != null) ? directory.toAbsolutePath().toString() : null);
	}

	/**
	 * The sync server's figures.
	 *
	 * @param path the WebSocket endpoint path
	 * @param connections open WebSocket connections
	 * @param sessions sessions bound on this node
	 * @param partitions partitions with at least one session bound on this node
	 * @param storedPartitions partitions the history store holds (on a shared database, those of
	 * every node), -1 if it cannot tell
	 * @param historySizeBytes bytes the history store takes in its database, -1 if it cannot tell
	 * @param dataDirectory the directory of the embedded file store, null when the history is in
	 * another database (such as the application's PostgreSQL)
	 */
	public record ServerDescriptor(String path, int connections, int sessions, int partitions,
			long storedPartitions, long historySizeBytes,
			@Nullable String dataDirectory) implements OperationResponseBody {
	}

}
