package io.syncboot.benchmarks;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import org.sqlite.SQLiteConfig;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * The physical limits the sync metrics are judged against, each measured with no SyncBoot code:
 * <ul>
 * <li>P1: WebSocket echo round trip, 200 B, on the sync server's stack (Tomcat) with the sync
 * client's WebSocket client (Spring's {@code StandardWebSocketClient});</li>
 * <li>P3: durable SQLite single-row commit (sqlite-jdbc, WAL, {@code synchronous=FULL}); and P3w,
 * for reference, the same with the two rows of a local write in the client's tables;</li>
 * <li>P4b: durable SQLite insert, 100 rows per transaction (the server store's medium);</li>
 * <li>P6: SQLite bulk insert of the bootstrap's row shape, 10,000 rows per transaction (and
 * {@code P6plain}, 200 B blobs in a two-column table, for reference);</li>
 * <li>P1i and P3i: the P1 round trip and the P3 commit each after 10 ms of idleness, as a change
 * paced at 50 per second meets them in S1 (P1 and P3 run back to back, with warm caches and
 * running cores); reported for reference, not a goal's limit.</li>
 * </ul>
 * The SQLite limits use the driver as the client's store does: no generated-keys query after each
 * insert.
 */
final class PhysicalLimits {

	private static final int ROW_BYTES = 200;

	/** The shape of the client's {@code documents} table. */
	private static final String DOCUMENTS_TABLE = """
			CREATE TABLE documents (
			    collection      TEXT    NOT NULL,
			    id              TEXT    NOT NULL,
			    present         INTEGER NOT NULL,
			    local_stamps    INTEGER NOT NULL,
			    state           TEXT    NOT NULL,
			    body            TEXT,
			    pending_version INTEGER NOT NULL DEFAULT 0,
			    PRIMARY KEY (collection, id)
			) WITHOUT ROWID""";

	private final Path workDirectory;

	private final double scale;

	PhysicalLimits(Path workDirectory, double scale) {
		this.workDirectory = workDirectory;
		this.scale = scale;
	}

	List<Result> p1WebSocketEcho() throws Exception {
		int rounds = Math.max(50, (int) (3000 * this.scale));
		String payload = "x".repeat(ROW_BYTES);
		LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
		try (EchoServer server = new EchoServer()) {
			StandardWebSocketClient client = new StandardWebSocketClient();
			WebSocketSession session = client.execute(new TextWebSocketHandler() {
				@Override
				protected void handleTextMessage(WebSocketSession s, TextMessage message) {
					replies.add(message.getPayload());
				}
			}, null, URI.create("ws://127.0.0.1:" + server.port() + "/echo")).get(30, TimeUnit.SECONDS);
			try {
				Samples samples = new Samples();
				for (int i = 0; i < rounds + rounds / 5; i++) {
					long start = System.nanoTime();
					session.sendMessage(new TextMessage(payload));
					if (replies.poll(10, TimeUnit.SECONDS) == null) {
						throw new IllegalStateException("echo timed out");
					}
					if (i >= rounds / 5) {
						samples.record(System.nanoTime() - start);
					}
				}
				return List.of(new Result("P1.p50", samples.percentileMillis(50), "ms"),
						new Result("P1.p99", samples.percentileMillis(99), "ms"));
			}
			finally {
				session.close();
			}
		}
	}

	List<Result> idleRoundTripAndCommit() throws Exception {
		int samplesWanted = Math.max(20, (int) (100 * this.scale));
		String payload = "x".repeat(ROW_BYTES);
		LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
		byte[] blob = new byte[ROW_BYTES];
		try (EchoServer server = new EchoServer(); Connection connection = open("p3i")) {
			connection.setAutoCommit(true);
			WebSocketSession session = new StandardWebSocketClient().execute(new TextWebSocketHandler() {
				@Override
				protected void handleTextMessage(WebSocketSession s, TextMessage message) {
					replies.add(message.getPayload());
				}
			}, null, URI.create("ws://127.0.0.1:" + server.port() + "/echo")).get(30, TimeUnit.SECONDS);
			try (PreparedStatement insert = connection.prepareStatement("INSERT INTO rows (id, body) VALUES (?, ?)")) {
				Samples roundTrips = new Samples();
				Samples commits = new Samples();
				for (int i = 0; i < samplesWanted + 5; i++) {
					Thread.sleep(10);
					long start = System.nanoTime();
					session.sendMessage(new TextMessage(payload));
					if (replies.poll(10, TimeUnit.SECONDS) == null) {
						throw new IllegalStateException("echo timed out");
					}
					long roundTrip = System.nanoTime() - start;
					Thread.sleep(10);
					start = System.nanoTime();
					insert.setString(1, "row-" + i);
					insert.setBytes(2, blob);
					insert.executeUpdate();
					long commit = System.nanoTime() - start;
					if (i >= 5) {
						roundTrips.record(roundTrip);
						commits.record(commit);
					}
				}
				return List.of(new Result("P1i.p50", roundTrips.percentileMillis(50), "ms"),
						new Result("P1i.p99", roundTrips.percentileMillis(99), "ms"),
						new Result("P3i.p50", commits.percentileMillis(50), "ms"),
						new Result("P3i.p99", commits.percentileMillis(99), "ms"));
			}
			finally {
				session.close();
			}
		}
	}

	List<Result> p3DurableCommit() throws Exception {
		int commits = Math.max(20, (int) (3000 * this.scale));
		try (Connection connection = open("p3")) {
			connection.setAutoCommit(true);
			Samples samples = new Samples();
			byte[] blob = new byte[ROW_BYTES];
			long begin = System.nanoTime();
			try (PreparedStatement insert = connection.prepareStatement("INSERT INTO rows (id, body) VALUES (?, ?)")) {
				for (int i = 0; i < commits; i++) {
					long start = System.nanoTime();
					insert.setString(1, "row-" + i);
					insert.setBytes(2, blob);
					insert.executeUpdate();
					samples.record(System.nanoTime() - start);
				}
			}
			double seconds = (System.nanoTime() - begin) / 1e9;
			return List.of(new Result("P3.commits/s", commits / seconds, "1/s"),
					new Result("P3.p50", samples.percentileMillis(50), "ms"),
					new Result("P3.p99", samples.percentileMillis(99), "ms"));
		}
	}

	/**
	 * P3w, for reference: P3 with the rows of one local write, in the client's tables: an upsert of a
	 * {@code documents} row (the state of a 200 B document and its visible fields) and an insert into
	 * the {@code outbox} (the put operation), one durable commit each, as many as P3.
	 */
	List<Result> p3LocalWriteShape() throws Exception {
		int commits = Math.max(20, (int) (3000 * this.scale));
		try (Connection connection = open("p3w", DOCUMENTS_TABLE)) {
			try (Statement statement = connection.createStatement()) {
				statement.execute("""
						CREATE TABLE outbox (
						    client_version      INTEGER PRIMARY KEY,
						    base_server_version INTEGER NOT NULL,
						    ops                 TEXT    NOT NULL,
						    byte_size           INTEGER NOT NULL,
						    created_at          INTEGER NOT NULL,
						    last_hlc            INTEGER NOT NULL DEFAULT 0
						)""");
			}
			connection.setAutoCommit(false);
			String body = "p".repeat(180);
			long stamp = 117_685_993_173_286_912L;
			long begin = System.nanoTime();
			try (PreparedStatement document = connection.prepareStatement("""
					INSERT INTO documents (collection, id, present, local_stamps, state, body, pending_version)
					VALUES ('s2', ?, 1, 1, ?, ?, ?)
					ON CONFLICT (collection, id) DO UPDATE SET present = excluded.present,
					    local_stamps = excluded.local_stamps, state = excluded.state, body = excluded.body,
					    pending_version = excluded.pending_version""");
					PreparedStatement outbox = connection
						.prepareStatement("INSERT INTO outbox VALUES (?, 0, ?, ?, ?, ?)")) {
				for (int i = 0; i < commits; i++) {
					String id = "w-" + i;
					long s = stamp + i;
					String fields = "{\"body\":\"" + body + "\",\"n\":" + i + "}";
					document.setString(1, id);
					document.setString(2, "{\"c\":\"s2\",\"id\":\"" + id + "\",\"p\":true,\"e\":[" + s + ",0],\"r\":[" + s
							+ ",0],\"f\":{\"body\":{\"s\":[" + s + ",0],\"v\":\"" + body + "\"},\"n\":{\"s\":[" + s
							+ ",0],\"v\":" + i + "}}}");
					document.setString(3, fields);
					document.setLong(4, i + 1);
					document.executeUpdate();
					String ops = "[{\"op\":\"put\",\"c\":\"s2\",\"id\":\"" + id + "\",\"ts\":" + s + ",\"fields\":" + fields
							+ "}]";
					outbox.setLong(1, i + 1);
					outbox.setString(2, ops);
					outbox.setLong(3, ops.length());
					outbox.setLong(4, System.currentTimeMillis());
					outbox.setLong(5, s);
					outbox.executeUpdate();
					connection.commit();
				}
			}
			return List.of(new Result("P3w.commits/s", commits / ((System.nanoTime() - begin) / 1e9), "1/s"));
		}
	}

	List<Result> p4BatchedDurableInsert() throws Exception {
		return List.of(new Result("P4b.rows/s", batchedInsert("p4", Math.max(1000, (int) (100_000 * this.scale)), 100),
				"1/s"));
	}

	/**
	 * P6 as the performance method defines it: rows of the bootstrap's shape (the client's
	 * {@code documents} table, one row per downloaded document: collection, id, two flags and the
	 * merge state text of a 200 B document, about 355 B) in 10,000-row transactions; and, for
	 * reference, {@code P6plain}: 200 B blobs in a two-column table.
	 */
	List<Result> p6BulkInsert() throws Exception {
		int rows = Math.max(10_000, (int) (300_000 * this.scale));
		return List.of(new Result("P6.rows/s", bootstrapShapeInsert(rows, 10_000), "1/s"),
				new Result("P6plain.rows/s", batchedInsert("p6plain", rows, 10_000), "1/s"));
	}

	private double batchedInsert(String name, int rows, int batch) throws SQLException {
		try (Connection connection = open(name, "CREATE TABLE rows (id TEXT PRIMARY KEY, body BLOB NOT NULL)")) {
			byte[] blob = new byte[ROW_BYTES];
			return timedBatches(connection, "INSERT INTO rows (id, body) VALUES (?, ?)", rows, batch,
					(i) -> "row-" + i, (insert, id) -> {
						insert.setString(1, id);
						insert.setBytes(2, blob);
					});
		}
	}

	/**
	 * Inserts rows shaped as an empty client's bootstrap writes them: the table has the client's
	 * columns and key, and each state text has the form and length of a stored state of the S8
	 * documents ({@code n} and a 180-character {@code body}, each with a field stamp), in the key
	 * order a snapshot is sent in. The texts are built before each batch, outside the measured time,
	 * as the client has them from the wire.
	 */
	private double bootstrapShapeInsert(int rows, int batch) throws SQLException {
		try (Connection connection = open("p6", DOCUMENTS_TABLE)) {
			String body = "p".repeat(180);
			long stamp = 117_685_993_173_286_912L;
			// a snapshot arrives in key order: "d-0", "d-1", "d-10", "d-100", ...
			int[] ids = inTextOrder(rows);
			return timedBatches(connection,
					"INSERT INTO documents (collection, id, present, local_stamps, state) VALUES (?, ?, 1, 0, ?)", rows,
					batch, (i) -> {
						String id = "d-" + ids[i];
						long s = stamp + i;
						return new String[] { id, "{\"c\":\"s8\",\"id\":\"" + id + "\",\"p\":true,\"e\":[" + s + ",1],\"r\":["
								+ s + ",1],\"f\":{\"body\":{\"s\":[" + s + ",1],\"v\":\"" + body + "\"},\"n\":{\"s\":[" + s
								+ ",1],\"v\":" + i + "}}}" };
					}, (insert, row) -> {
						insert.setString(1, "s8");
						insert.setString(2, row[0]);
						insert.setString(3, row[1]);
					});
		}
	}

	/** The numbers 0 to {@code count - 1} in the order of their decimal texts (0, 1, 10, 100, ..., 2, 20, ...). */
	static int[] inTextOrder(int count) {
		int[] order = new int[count];
		int next = 1;
		for (int i = 1; i < count; i++) {
			order[i] = next;
			if ((long) next * 10 < count) {
				next *= 10;
			}
			else {
				while (next % 10 == 9 || next + 1 >= count) {
					next /= 10;
				}
				next++;
			}
		}
		return order;
	}

	/**
	 * Inserts {@code rows} rows in transactions of {@code batch} rows and returns rows per second,
	 * timing the binding, the batch execution and the commits only: each batch's row values are made
	 * before its clock starts.
	 */
	private static <T> double timedBatches(Connection connection, String sql, int rows, int batch,
			IntFunction<T> rowValues, RowBinder<T> binder) throws SQLException {
		connection.setAutoCommit(false);
		List<T> values = new ArrayList<>(batch);
		long nanos = 0;
		try (PreparedStatement insert = connection.prepareStatement(sql)) {
			for (int first = 0; first < rows; first += batch) {
				values.clear();
				for (int i = first; i < Math.min(rows, first + batch); i++) {
					values.add(rowValues.apply(i));
				}
				long begin = System.nanoTime();
				for (T row : values) {
					binder.bind(insert, row);
					insert.addBatch();
				}
				insert.executeBatch();
				connection.commit();
				nanos += System.nanoTime() - begin;
			}
		}
		return rows / (nanos / 1e9);
	}

	@FunctionalInterface
	private interface RowBinder<T> {

		void bind(PreparedStatement insert, T row) throws SQLException;

	}

	private Connection open(String name) throws SQLException {
		return open(name, "CREATE TABLE rows (id TEXT PRIMARY KEY, body BLOB NOT NULL)");
	}

	private Connection open(String name, String createTable) throws SQLException {
		try {
			Path file = this.workDirectory.resolve(name + ".db");
			Files.deleteIfExists(file);
			Files.deleteIfExists(this.workDirectory.resolve(name + ".db-wal"));
			Files.deleteIfExists(this.workDirectory.resolve(name + ".db-shm"));
			SQLiteConfig config = new SQLiteConfig();
			config.setGetGeneratedKeys(false);
			Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
			try (Statement statement = connection.createStatement()) {
				statement.execute("PRAGMA journal_mode=WAL");
				statement.execute("PRAGMA synchronous=FULL");
				statement.execute(createTable);
			}
			return connection;
		}
		catch (java.io.IOException ex) {
			throw new SQLException(ex);
		}
	}

}
