package io.syncboot.client.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.ErrorAction;
import io.syncboot.client.ErrorActionToken;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import io.syncboot.client.SyncUser;
import io.syncboot.client.SyncUserState;
import io.syncboot.client.internal.concurrent.CallbackPool;
import io.syncboot.client.internal.concurrent.EventLoop;
import io.syncboot.client.internal.connection.ConnectionPool;
import io.syncboot.client.internal.connection.WebSocketTransport;
import io.syncboot.client.internal.session.DefaultSyncDatabase;
import io.syncboot.client.internal.session.DefaultSyncSession;
import io.syncboot.client.internal.session.PendingAction;
import io.syncboot.client.internal.session.EngineContext;
import io.syncboot.client.internal.store.SqliteStore;
import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.protocol.ErrorCode;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link SyncManager} implementation: owns the engine threads, the WebSocket transport,
 * the users and one session per local file. Thread-safe; its own state is guarded by a lock.
 */
public final class DefaultSyncManager implements SyncManager {

	private static final Logger logger = LoggerFactory.getLogger(DefaultSyncManager.class);

	private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

	private final SyncClientSettings settings;

	private final EngineContext engine;

	private final WebSocketTransport transport;

	private final EventLoop auth;

	private final TokenExchange exchange;

	private final Object lock = new Object();

	private final Map<String, DefaultSyncUser> users = new LinkedHashMap<>(); // guarded by lock

	private final Map<Path, DefaultSyncSession> sessions = new LinkedHashMap<>(); // guarded by lock

	private final Set<PendingAction> handled = new HashSet<>(); // guarded by lock: action tokens that ran

	private final Set<Path> removing = new HashSet<>(); // guarded by lock: user directories being deleted

	private boolean closed; // guarded by lock

	public DefaultSyncManager(SyncClientSettings settings) {
		this.settings = settings;
		try {
			Files.createDirectories(settings.baseDirectory());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create the base directory " + settings.baseDirectory(), ex);
		}
		PendingAction.runAll(settings.baseDirectory());
		MessageCodec codec = new MessageCodec(settings.maxMessageBytes());
		this.exchange = new TokenExchange(settings.serverUrl(), settings.connectTimeout(), codec);
		this.transport = new WebSocketTransport(settings.connectTimeout(), codec);
		EventLoop loop = new EventLoop("loop");
		this.auth = new EventLoop("auth");
		this.engine = new EngineContext(settings, codec, loop, new EventLoop("store"), new EventLoop("notify"),
				new CallbackPool("progress"), new ConnectionPool(loop, settings, codec, this.transport),
				EngineContext.uploadBatchBytes(settings));
	}

	/** The engine's threads and connections (for tests of the engine). */
	EngineContext engine() {
		return this.engine;
	}

	@Override
	public SyncClientSettings settings() {
		return this.settings;
	}

	@Override
	public SyncUser logIn(SyncCredentials credentials) {
		if (credentials == null) {
			throw new IllegalArgumentException("credentials must not be null");
		}
		synchronized (this.lock) {
			checkOpen();
		}
		String token;
		String id;
		Optional<String> apiKey = credentials.apiKey();
		if (apiKey.isPresent()) {
			Path base = this.settings.baseDirectory();
			try {
				token = this.exchange.exchange(apiKey.get());
				id = Jwts.subject(token, this.engine.codec());
				ApiKeyUsers.remember(base, apiKey.get(), id);
			}
			catch (TokenExchange.Refused ex) {
				throw new IllegalArgumentException(ex.getMessage(), ex);
			}
			catch (UncheckedIOException ex) {
				// offline first: the user this key logged in as before opens its files; the key is
				// exchanged when a connection is made (retried with the reconnect backoff)
				id = ApiKeyUsers.find(base, apiKey.get())
					.orElseThrow(() -> new UncheckedIOException(ex.getMessage() + "; this API key has not logged in under "
							+ base + " before, so it cannot log in offline", ex.getCause()));
				token = null;
				logger.warn("Logged in as '{}' while the token endpoint cannot be reached ({}): the user this API key"
						+ " logged in as before; its key is exchanged once a connection is made", id, ex.getMessage());
			}
		}
		else {
			token = credentials.isAnonymous() ? null : tokenOf(credentials);
			id = (token == null) ? "anonymous" : Jwts.subject(token, this.engine.codec());
		}
		synchronized (this.lock) {
			checkOpen();
			DefaultSyncUser user = this.users.get(id);
			if (user == null) {
				user = new DefaultSyncUser(id, credentials, token, this, this.auth, this.engine.codec(),
						System::currentTimeMillis, this.exchange);
				this.users.put(id, user);
			}
			else {
				user.loggedIn(credentials, token);
			}
			return user;
		}
	}

	@Override
	public List<SyncUser> allUsers() {
		synchronized (this.lock) {
			checkOpen();
			return this.users.values().stream().filter(u -> u.state() == SyncUserState.LOGGED_IN)
				.map(SyncUser.class::cast).toList();
		}
	}

	@Override
	public SyncDatabase open(SyncConfiguration configuration) {
		if (configuration == null) {
			throw new IllegalArgumentException("configuration must not be null");
		}
		if (!(configuration.user() instanceof DefaultSyncUser user) || user.manager() != this) {
			throw new IllegalArgumentException("the configuration's user " + configuration.user().id()
					+ " was not logged in with this manager");
		}
		synchronized (this.lock) {
			checkOpen();
			if (user.state() != SyncUserState.LOGGED_IN) {
				throw new IllegalStateException("user " + user.id() + " is " + user.state() + "; log in again first");
			}
			Path path = LocalPaths.databaseFile(this.settings.baseDirectory(), user.id(), configuration.partition());
			if (this.removing.contains(path.getParent())) {
				throw new IllegalStateException("the local files of user " + user.id()
						+ " are being deleted (the user was removed); open the database again once remove() returned");
			}
			DefaultSyncSession session = this.sessions.get(path);
			if (session == null || session.state() == SyncSessionState.INVALID) {
				if (session != null && session.hasOpenDatabase()) {
					throw new IllegalStateException("the database " + path + " is still open; close it first");
				}
				session = new DefaultSyncSession(this.engine, configuration, path, user);
				this.sessions.put(path, session);
			}
			return session.openDatabase(configuration);
		}
	}

	@Override
	public Optional<SyncSession> sessionFor(SyncDatabase database) {
		if (database == null) {
			throw new IllegalArgumentException("database must not be null");
		}
		synchronized (this.lock) {
			checkOpen();
		}
		if (!(database instanceof DefaultSyncDatabase handle) || handle.isClosed()) {
			return Optional.empty();
		}
		synchronized (this.lock) {
			DefaultSyncSession session = this.sessions.get(handle.session().path());
			return (session == handle.session()) ? Optional.of(session) : Optional.empty();
		}
	}

	@Override
	public List<SyncSession> allSessions() {
		synchronized (this.lock) {
			checkOpen();
			return this.sessions.values().stream().filter(s -> s.state() != SyncSessionState.INVALID)
				.map(SyncSession.class::cast).toList();
		}
	}

	@Override
	public void reconnect() {
		synchronized (this.lock) {
			checkOpen();
		}
		this.engine.loop().post(() -> this.engine.pool().reconnectAll());
	}

	@Override
	public void immediatelyHandleError(ErrorActionToken token) {
		if (token == null) {
			throw new IllegalArgumentException("token must not be null");
		}
		if (!(token instanceof PendingAction action) || action.owner() != this.engine) {
			throw new IllegalArgumentException("token " + token + " was not issued by this manager");
		}
		DefaultSyncSession session;
		synchronized (this.lock) {
			checkOpen();
			if (!this.handled.add(action)) {
				return;
			}
			session = this.sessions.get(action.database());
		}
		try {
			if (action.kind() == PendingAction.Kind.RESET && session != null && session.resetInPlace(action)) {
				return;
			}
			synchronized (this.lock) {
				// the file must be closed, also if the application opened it again meanwhile
				session = this.sessions.remove(action.database());
			}
			if (session != null) {
				session.closeForAction();
			}
			action.run(this.settings.baseDirectory());
		}
		catch (RuntimeException ex) {
			synchronized (this.lock) {
				this.handled.remove(action);
			}
			throw ex;
		}
	}

	/**
	 * The user logged out, or its token could not be renewed ({@code failure} says why; the error is
	 * reported to each session's handler): every session of the user becomes invalid.
	 */
	void loggedOut(DefaultSyncUser user, @Nullable String failure) {
		SyncError error = (failure == null) ? null
				: new SyncError(ErrorCode.INVALID_TOKEN.number(), "user " + user.id() + " was logged out: " + failure,
						true, ErrorAction.LOG_OUT, null, null);
		sessionsOf(user).forEach(session -> session.userLoggedOut(error));
	}

	/**
	 * Removes a user ({@link SyncUser#remove()}): marked removed and forgotten under the lock, so no
	 * database of it opens meanwhile; then its sessions are invalidated and their files closed, and
	 * its directory under the base directory is deleted. Until that is done no database opens in the
	 * directory, not even for a user of the same id logged in meanwhile (it would be deleted under it).
	 */
	void removeUser(DefaultSyncUser user) {
		List<DefaultSyncSession> removed;
		Path directory = this.settings.baseDirectory().resolve(LocalPaths.escape(user.id()));
		synchronized (this.lock) {
			checkOpen();
			if (!user.removed()) {
				return;
			}
			this.users.remove(user.id(), user);
			removed = sessionsOf(user);
			removed.forEach(session -> this.sessions.remove(session.path()));
			this.removing.add(directory);
		}
		try {
			removed.forEach(DefaultSyncSession::closeForAction);
			// its files go: a pending backup or deletion must not hit a later file of the same name
			PendingAction.forgetUnder(this.settings.baseDirectory(), directory);
			// and an offline login with its API key must not bring it back
			ApiKeyUsers.forget(this.settings.baseDirectory(), user.id());
			if (Files.isDirectory(directory)) {
				try (var files = Files.walk(directory)) {
					for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
						Files.delete(file);
					}
				}
				catch (IOException ex) {
					throw new UncheckedIOException("cannot delete the local files of removed user " + user.id() + " in "
							+ directory, ex);
				}
			}
		}
		finally {
			synchronized (this.lock) {
				this.removing.remove(directory);
			}
		}
		logger.debug("User {} removed; deleted {}", user.id(), directory);
	}

	/** The user's token is about to expire: its active sessions wait for a new one (auth thread). */
	void tokenExpiring(DefaultSyncUser user) {
		sessionsOf(user).forEach(DefaultSyncSession::tokenExpiring);
	}

	/** The user has a new token: its waiting sessions become active (auth thread). */
	void tokenRefreshed(DefaultSyncUser user) {
		sessionsOf(user).forEach(DefaultSyncSession::tokenRefreshed);
	}

	private List<DefaultSyncSession> sessionsOf(DefaultSyncUser user) {
		Path directory = this.settings.baseDirectory().resolve(LocalPaths.escape(user.id()));
		synchronized (this.lock) {
			return this.sessions.values().stream().filter(s -> s.path().getParent().equals(directory)).toList();
		}
	}

	@Override
	public void close() {
		List<DefaultSyncSession> all;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			all = new ArrayList<>(this.sessions.values());
			this.sessions.clear();
			this.users.clear();
		}
		List<SqliteStore> stores = new ArrayList<>();
		for (DefaultSyncSession session : all) {
			SqliteStore store = session.shutdown();
			if (store != null) {
				stores.add(store);
			}
		}
		this.auth.shutdown(SHUTDOWN_TIMEOUT);
		awaitOn(this.engine.loop(), () -> this.engine.pool().disposeAll());
		this.engine.loop().shutdown(SHUTDOWN_TIMEOUT);
		this.engine.storeThread().shutdown(SHUTDOWN_TIMEOUT);
		stores.forEach(SqliteStore::close);
		this.transport.close();
		this.engine.notifier().shutdown(SHUTDOWN_TIMEOUT);
		this.engine.progressPool().shutdown();
		logger.debug("Sync manager for {} closed", this.settings.baseDirectory());
	}

	private static void awaitOn(EventLoop loop, Runnable task) {
		if (loop.inLoop()) {
			task.run();
			return;
		}
		try {
			loop.submit(task).get(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			logger.warn("Closing the connections did not finish cleanly", ex);
		}
	}

	private void checkOpen() { // guarded by lock
		if (this.closed) {
			throw new IllegalStateException("the sync manager is closed");
		}
	}

	private static String tokenOf(SyncCredentials credentials) {
		try {
			return credentials.accessToken().orElseThrow();
		}
		catch (IllegalStateException ex) {
			throw new IllegalArgumentException("the credentials gave no usable token: " + ex.getMessage(), ex);
		}
	}

}
