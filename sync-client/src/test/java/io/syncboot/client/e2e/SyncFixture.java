package io.syncboot.client.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import io.syncboot.client.ConnectionState;
import io.syncboot.client.SyncApiTestsAccess;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import io.syncboot.client.SyncUser;
import io.syncboot.server.SyncServer;
import io.syncboot.test.proxy.FaultProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the end-to-end tests: a real server, optionally behind a {@link FaultProxy}, managers in
 * temporary directories, and recorders of state and connection events. Everything created is
 * closed after each test, in reverse order.
 */
abstract class SyncFixture {

	static final Duration LONG = SyncTestSupport.LONG;

	@TempDir
	Path serverDir;

	@TempDir
	Path dirA;

	@TempDir
	Path dirB;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void closeAll() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	<T extends AutoCloseable> T track(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	SyncServer server() {
		return server(0);
	}

	SyncServer server(int port) {
		return track(SyncTestSupport.startServer(this.serverDir, port));
	}

	FaultProxy proxy(SyncServer server) {
		return track(FaultProxy.start("127.0.0.1", server.port()));
	}

	SyncManager manager(SyncServer server, Path dir) {
		return track(SyncManager.create(SyncTestSupport.settings(server.url(), dir)));
	}

	SyncManager manager(FaultProxy proxy, SyncServer server, Path dir, UnaryOperator<SyncClientSettings.Builder> tweak) {
		SyncClientSettings.Builder builder = SyncClientSettings.builder()
			.serverUrl(proxy.proxied(server.url()))
			.baseDirectory(dir)
			.reconnectInitialDelay(Duration.ofMillis(50))
			.reconnectMaxDelay(Duration.ofMillis(500))
			.connectTimeout(Duration.ofSeconds(10));
		return track(SyncManager.create(tweak.apply(builder).build()));
	}

	static SyncConfiguration.Builder config(SyncManager manager, String partition) {
		SyncUser user = manager.logIn(SyncCredentials.anonymous());
		return SyncConfiguration.builder(user, partition);
	}

	/** An unsigned JWT of {@code subject} that expires {@code fromNow} from now. */
	static String token(String subject, Duration fromNow) {
		long exp = Instant.now().plus(fromNow).getEpochSecond();
		return SyncApiTestsAccess.jwt("{\"sub\":\"" + subject + "\",\"exp\":" + exp + "}");
	}


	/** Records a session's state changes as "OLD->NEW" and the thread each ran on. */
	static final class States {

		final List<String> changes = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		States(SyncSession session) {
			session.addStateListener((from, to) -> {
				this.changes.add(from + "->" + to);
				this.threads.add(Thread.currentThread().getName());
			});
		}

		static String of(SyncSessionState from, SyncSessionState to) {
			return from + "->" + to;
		}

	}

	/** One connection state change. */
	record Change(ConnectionState from, ConnectionState to, Throwable error, String thread) {

		String arrow() {
			return this.from + "->" + this.to;
		}

	}

	/** Records a session's connection state changes. */
	static final class Connections {

		final List<Change> changes = new CopyOnWriteArrayList<>();

		Connections(SyncSession session) {
			session.addConnectionStateListener(
					(from, to, error) -> this.changes.add(new Change(from, to, error, Thread.currentThread().getName())));
		}

		List<String> arrows() {
			return this.changes.stream().map(Change::arrow).toList();
		}

		/** How many times the session lost a connection it had. */
		long lost() {
			return this.changes.stream().filter(change -> change.from() == ConnectionState.CONNECTED).count();
		}

		boolean endsWith(ConnectionState state) {
			return !this.changes.isEmpty() && this.changes.get(this.changes.size() - 1).to() == state;
		}

	}

}
