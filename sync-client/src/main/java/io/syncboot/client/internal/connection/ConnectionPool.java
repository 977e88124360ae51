package io.syncboot.client.internal.connection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.internal.concurrent.EventLoop;
import io.syncboot.core.codec.MessageCodec;

/**
 * The connections of one manager by key: with multiplexing, one per user (all of its sessions
 * share it); without, one per session. Loop thread only.
 */
public final class ConnectionPool {

	private final EventLoop loop;

	private final SyncClientSettings settings;

	private final MessageCodec codec;

	private final WebSocketTransport transport;

	private final Map<String, Connection> connections = new LinkedHashMap<>(); // loop thread only

	private final AtomicLong sessionIds = new AtomicLong();

	private final AtomicLong privateKeys = new AtomicLong();

	public ConnectionPool(EventLoop loop, SyncClientSettings settings, MessageCodec codec, WebSocketTransport transport) {
		this.loop = loop;
		this.settings = settings;
		this.codec = codec;
		this.transport = transport;
	}

	/**
	 * The connection a session of {@code userId} uses: the user's shared one with multiplexing,
	 * else a new one of its own.
	 * @param tokens supplies the bearer token at each connection attempt
	 */
	public Connection connectionFor(String userId, Supplier<Optional<String>> tokens) {
		this.loop.assertInLoop();
		String key = this.settings.multiplex() ? "user:" + userId
				: "user:" + userId + "#" + this.privateKeys.incrementAndGet();
		Connection existing = this.connections.get(key);
		if (existing != null) {
			return existing;
		}
		Backoff backoff = new Backoff(this.settings.reconnectInitialDelay(), this.settings.reconnectMultiplier(),
				this.settings.reconnectMaxDelay(), this.settings.reconnectJitter(), ThreadLocalRandom.current());
		Connection created = new Connection(key, this.loop, this.settings, this.codec, this.transport, tokens,
				this.sessionIds::incrementAndGet, backoff, () -> this.connections.remove(key));
		this.connections.put(key, created);
		return created;
	}

	/** Skips every connection's backoff delay. */
	public void reconnectAll() {
		this.loop.assertInLoop();
		new ArrayList<>(this.connections.values()).forEach(Connection::reconnectNow);
	}

	/** Closes every connection. */
	public void disposeAll() {
		this.loop.assertInLoop();
		new ArrayList<>(this.connections.values()).forEach(Connection::dispose);
		this.connections.clear();
	}

	/** The connections that exist (open, opening or waiting to reconnect), in the order they were made. */
	public List<Connection> connections() {
		this.loop.assertInLoop();
		return List.copyOf(this.connections.values());
	}

	/** How many connections exist (open, opening or waiting to reconnect). */
	public int size() {
		this.loop.assertInLoop();
		return this.connections.size();
	}

}
