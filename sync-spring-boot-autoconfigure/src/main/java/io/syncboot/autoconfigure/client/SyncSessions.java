package io.syncboot.autoconfigure.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

import io.syncboot.client.ProgressDirection;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncSession;

/**
 * The sessions configured under {@code sync.sessions}, by name, in the order they were declared.
 * Each is also a {@link SyncSession} and a {@link SyncDatabase} bean qualified by its name
 * ({@code @Qualifier("orders") SyncSession orders}). Thread-safe.
 *
 * <p>The databases open when the application context creates this registry; their sessions start
 * syncing once the context has started (sessions with {@code auto-start=false} stay suspended),
 * and they close, in declaration order and each under its stop policy, when the context stops.
 */
public final class SyncSessions {

	private final Map<String, ManagedSession> sessions;

	SyncSessions(List<ManagedSession> sessions) {
		Map<String, ManagedSession> byName = new LinkedHashMap<>();
		sessions.forEach(session -> byName.put(session.name(), session));
		this.sessions = Collections.unmodifiableMap(byName);
	}

	/** The session names, in declaration order. */
	public Set<String> names() {
		return this.sessions.keySet();
	}

	/** The session of that name, if one is configured. */
	public Optional<SyncSession> find(String name) {
		return Optional.ofNullable(this.sessions.get(name)).map(ManagedSession::session);
	}

	/**
	 * The session of that name.
	 * @throws NoSuchElementException if no session of that name is configured
	 */
	public SyncSession session(String name) {
		return get(name).session();
	}

	/**
	 * The database of that name.
	 * @throws NoSuchElementException if no session of that name is configured
	 */
	public SyncDatabase database(String name) {
		return get(name).database();
	}

	/** The current status of the session of that name, if one is configured. */
	public Optional<SyncSessionStatus> status(String name) {
		return Optional.ofNullable(this.sessions.get(name)).map(ManagedSession::status);
	}

	/** The current status of every session, by name in declaration order. */
	public Map<String, SyncSessionStatus> statuses() {
		Map<String, SyncSessionStatus> statuses = new LinkedHashMap<>();
		this.sessions.forEach((name, session) -> statuses.put(name, session.status()));
		return statuses;
	}

	/**
	 * Bytes the session of that name transferred in one direction since the application started
	 * (acknowledged uploads, received downloads).
	 * @throws NoSuchElementException if no session of that name is configured
	 */
	public long transferredBytes(String name, ProgressDirection direction) {
		return get(name).transferredBytes(direction);
	}

	List<ManagedSession> managed() {
		return List.copyOf(this.sessions.values());
	}

	private ManagedSession get(String name) {
		ManagedSession session = this.sessions.get(name);
		if (session == null) {
			throw new NoSuchElementException("No sync session named '" + name + "'; configured sessions: "
					+ this.sessions.keySet());
		}
		return session;
	}

	@Override
	public String toString() {
		return "SyncSessions" + this.sessions.keySet();
	}

}
