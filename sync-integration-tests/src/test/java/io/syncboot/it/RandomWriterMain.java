package io.syncboot.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import io.syncboot.client.Document;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncCollection;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.core.codec.MessageCodec;

/**
 * A client process for the convergence suite with process kills: opens one partition and carries
 * out commands read line by line from standard input, answering each on standard output.
 * <ul>
 * <li>{@code WRITE <seed>}: one random put, update, unset or delete on a small key space, chosen
 * with {@code new Random(seed)} and the local state; answers {@code DONE} once the write returned
 * (it is durable in the local file);</li>
 * <li>{@code SUSPEND} / {@code RESUME}: suspends or resumes the session; answers {@code DONE};</li>
 * <li>{@code UPLOAD} / {@code DOWNLOAD}: waits for upload or download completion; answers
 * {@code UPLOADED true|false} or {@code DOWNLOADED true|false};</li>
 * <li>{@code DUMP}: prints {@code DOC <id> <fields as JSON>} for every document, then {@code END}.</li>
 * </ul>
 * Prints {@code READY} once the database is open. Arguments: server URL, base directory, partition.
 * Runs until its standard input ends or it is killed.
 */
public final class RandomWriterMain {

	static final String COLLECTION = "docs";

	static final String[] IDS = { "a", "b", "c", "d", "e" };

	static final String[] FIELDS = { "title", "done", "count" };

	private RandomWriterMain() {
	}

	public static void main(String[] args) throws Exception {
		URI serverUrl = URI.create(args[0]);
		Path baseDirectory = Path.of(args[1]);
		String partition = args[2];
		MessageCodec codec = new MessageCodec();
		try (SyncManager manager = SyncManager.create(settings(serverUrl, baseDirectory))) {
			SyncDatabase database = manager
				.open(SyncConfiguration.builder(manager.logIn(SyncCredentials.anonymous()), partition).build());
			SyncSession session = manager.sessionFor(database).orElseThrow();
			SyncCollection collection = database.collection(COLLECTION);
			answer("READY");
			BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			String line;
			while ((line = in.readLine()) != null) {
				String[] command = line.split(" ");
				switch (command[0]) {
					case "WRITE" -> {
						write(collection, new Random(Long.parseLong(command[1])));
						answer("DONE");
					}
					case "SUSPEND" -> {
						session.suspend();
						answer("DONE");
					}
					case "RESUME" -> {
						session.resume();
						answer("DONE");
					}
					case "UPLOAD" -> answer("UPLOADED " + session.uploadAllLocalChanges(Duration.ofSeconds(60)));
					case "DOWNLOAD" -> answer("DOWNLOADED " + session.downloadAllServerChanges(Duration.ofSeconds(60)));
					case "DUMP" -> {
						StringBuilder dump = new StringBuilder();
						for (Document document : collection.all()) {
							dump.append("DOC ").append(document.id()).append(' ')
								.append(codec.encodeFields(document.fields())).append('\n');
						}
						answer(dump + "END");
					}
					default -> throw new IllegalArgumentException("unknown command: " + line);
				}
			}
		}
	}

	private static void answer(String text) {
		System.out.println(text);
		System.out.flush();
	}

	static SyncClientSettings settings(URI serverUrl, Path baseDirectory) {
		return SyncClientSettings.builder()
			.serverUrl(serverUrl)
			.baseDirectory(baseDirectory)
			.reconnectInitialDelay(Duration.ofMillis(20))
			.reconnectMaxDelay(Duration.ofMillis(200))
			.pingInterval(Duration.ofMillis(300))
			.pongTimeout(Duration.ofMillis(1500))
			.connectTimeout(Duration.ofSeconds(3))
			.build();
	}

	/** One random write, as the in-process convergence suite's clients make them. */
	static void write(SyncCollection collection, Random random) {
		String id = IDS[random.nextInt(IDS.length)];
		int kind = random.nextInt(10);
		boolean present = collection.get(id).isPresent();
		if (kind < 4 || !present) {
			if (kind == 9 && !present) {
				collection.delete(id);
			}
			else {
				collection.put(id, fields(random, 1 + random.nextInt(FIELDS.length)));
			}
		}
		else if (kind < 8) {
			Map<String, Object> fields = fields(random, 1 + random.nextInt(2));
			String field = FIELDS[random.nextInt(FIELDS.length)];
			try {
				if (kind < 7) {
					collection.update(id, fields);
				}
				else {
					collection.unset(id, field);
				}
			}
			catch (IllegalStateException ex) {
				// a download deleted the document since it was read: as an application would, create it
				collection.put(id, fields);
			}
		}
		else {
			collection.delete(id);
		}
	}

	private static Map<String, Object> fields(Random random, int count) {
		Map<String, Object> fields = new LinkedHashMap<>();
		for (int i = 0; i < count; i++) {
			String field = FIELDS[random.nextInt(FIELDS.length)];
			int shape = random.nextInt(4);
			fields.put(field, (shape == 0) ? (Object) (long) random.nextInt(5)
					: (shape == 1) ? "v" + random.nextInt(5) : (shape == 2) ? random.nextBoolean() : null);
		}
		return fields;
	}

}
