package io.syncboot.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.HybridLogicalClock;
import io.syncboot.core.model.Operation;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.protocol.SyncProtocol;

/**
 * One sync session spoken raw over a {@link RawWebSocket}, as cheap as the protocol allows: bind
 * with a new client file id, ident from version 0, wait for the first download; then optionally
 * upload changesets. Lets the load generator hold thousands of real sessions (S5 subscribers, S6
 * idle sessions) without a client database each. Not thread-safe except {@link #upload}, which the
 * one writer thread calls.
 */
final class RawSyncSession implements AutoCloseable {

	private static final long SESSION = 1;

	private static final MessageCodec CODEC = new MessageCodec();

	private final RawWebSocket socket;

	private long clientVersion;

	private long documents;

	private final HybridLogicalClock clock = new HybridLogicalClock(System::currentTimeMillis, 0);

	private RawSyncSession(RawWebSocket socket) {
		this.socket = socket;
	}

	/**
	 * Connects, binds {@code partition} asking for a client file id, idents from version 0 and waits
	 * for the server's first download (so the session is bound and idle when this returns).
	 * @throws IOException if any step fails or the server answers with something else
	 */
	static RawSyncSession open(InetSocketAddress address, String path, String partition, Duration timeout)
			throws IOException {
		RawWebSocket socket = RawWebSocket.connect(address, path, SyncProtocol.SUBPROTOCOL, timeout);
		try {
			socket.sendText(CODEC.encode(new SyncMessage.Bind(SESSION, partition, true)));
			SyncMessage.Ident allocated = expect(socket, SyncMessage.Ident.class, timeout);
			socket.sendText(CODEC.encode(new SyncMessage.Ident(SESSION, allocated.clientFileId(), allocated.fileSalt(),
					0, 0, allocated.serverSalt())));
			expect(socket, SyncMessage.Download.class, timeout);
			return new RawSyncSession(socket);
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

	private static <T extends SyncMessage> T expect(RawWebSocket socket, Class<T> type, Duration timeout)
			throws IOException {
		SyncMessage message = CODEC.decode(socket.readText(timeout));
		if (!type.isInstance(message)) {
			throw new IOException("expected " + type.getSimpleName() + ", the server sent " + message);
		}
		return type.cast(message);
	}

	RawWebSocket socket() {
		return this.socket;
	}

	/**
	 * Uploads one message with one changeset (one write transaction) holding a put of a new
	 * document {@code prefix + n} per body.
	 */
	void upload(String collection, String prefix, List<String> bodies) throws IOException {
		List<Operation> operations = new ArrayList<>(bodies.size());
		for (String body : bodies) {
			operations.add(new Operation.Put(collection, prefix + (++this.documents), this.clock.next(),
					Map.of("body", body)));
		}
		Changeset changeset = new Changeset(++this.clientVersion, 0, operations);
		this.socket.sendText(CODEC.encode(new SyncMessage.Upload(SESSION, List.of(changeset))));
	}

	@Override
	public void close() {
		this.socket.close();
	}

}
