package io.syncboot.it;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.protocol.SyncProtocol;
import io.syncboot.server.SyncServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fuzzer sends at least {@code -Dsyncboot.fuzz.frames} (10,000 by default) generated frames to a
 * live server: random text, truncated and mistyped messages, huge and negative numbers, messages
 * for sessions never bound, uploads before ident, cursors from the future, a thousand binds on one
 * socket, frames over the size limit, binary frames, slow partial frames and strings that are not
 * Unicode (unpaired surrogates). Every offending connection is answered with a protocol error (and
 * closed where the error concerns the connection), the server stays up with bounded heap, and a
 * well-behaved client keeps syncing the whole time with its latency recorded.
 */
class HostileInputTests {

	private static final int MAX_MESSAGE_BYTES = 64 * 1024;

	private final MessageCodec codec = new MessageCodec();

	@TempDir
	Path temp;

	@Test
	void serverAnswersHostileInputWithProtocolErrorsAndKeepsServingOthers() throws Exception {
		int targetFrames = Integer.getInteger("syncboot.fuzz.frames", 10_000);
		long seed = Long.getLong("syncboot.fuzz.seed", System.nanoTime());
		Random random = new Random(seed);
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.temp.resolve("server"))
			.maxMessageBytes(MAX_MESSAGE_BYTES).allowAnonymous().build().start();
				SyncManager writer = manager(server, "writer");
				SyncManager reader = manager(server, "reader")) {
			SyncDatabase source = writer.open(SyncConfiguration.builder(writer.logIn(SyncCredentials.anonymous()), "good").build());
			SyncDatabase sink = reader.open(SyncConfiguration.builder(reader.logIn(SyncCredentials.anonymous()), "good").build());
			Map<String, Long> sentAt = new ConcurrentHashMap<>();
			List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
			sink.addChangeListener(change -> change.ids("probe").forEach(id -> {
				Long start = sentAt.remove(id);
				if (start != null) {
					latencies.add(System.nanoTime() - start);
				}
			}));
			AtomicBoolean probing = new AtomicBoolean(true);
			AtomicInteger probes = new AtomicInteger();
			Thread prober = new Thread(() -> {
				while (probing.get()) {
					String id = "p-" + probes.getAndIncrement();
					sentAt.put(id, System.nanoTime());
					source.collection("probe").put(id, Map.of("n", probes.get()));
					sleep(50);
				}
			}, "probe-writer");
			prober.start();

			System.gc();
			long heapBefore = memory.getHeapMemoryUsage().getUsed();
			HttpClient http = HttpClient.newHttpClient();
			int frames = 0;
			int offenders = 0;
			List<String> unanswered = new ArrayList<>();
			frames += thousandsOfBindsOnOneSocket(http, server, unanswered);
			offenders++;
			while (frames < targetFrames) {
				int kind = random.nextInt(12);
				RawSocket socket = RawSocket.connect(http, server.url());
				Outcome outcome = offend(socket, kind, random);
				frames += outcome.frames;
				offenders++;
				if (!outcome.answered(socket, this.codec)) {
					unanswered.add("kind " + kind + ": received " + socket.received + ", close " + socket.awaitClose(Duration.ZERO));
				}
				socket.abort();
			}
			probing.set(false);
			prober.join();

			assertThat(unanswered).as("seed %d: offenders without a protocol error", seed).isEmpty();
			assertThat(frames).isGreaterThanOrEqualTo(targetFrames);
			await().atMost(Duration.ofSeconds(60)).until(() -> sink.collection("probe").count() == probes.get());
			assertThat(latencies).as("the well-behaved client kept syncing").hasSizeGreaterThan(probes.get() / 2);
			System.gc();
			long heapAfter = memory.getHeapMemoryUsage().getUsed();
			List<Long> sorted = new ArrayList<>(latencies);
			sorted.sort(Long::compare);
			System.out.printf("hostile input: seed %d, %d frames from %d offending connections; good client: %d changes,"
					+ " latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; heap %d MB before, %d MB after%n", seed, frames,
					offenders, probes.get(), sorted.get(sorted.size() / 2) / 1e6, sorted.get(sorted.size() * 99 / 100) / 1e6,
					sorted.get(sorted.size() - 1) / 1e6, heapBefore >> 20, heapAfter >> 20);
			assertThat(heapAfter).as("heap stays bounded").isLessThan(heapBefore + 128L * 1024 * 1024);
			// the last offender's abort may not have reached the server yet
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.connectionCount())
				.as("offending connections are gone").isLessThanOrEqualTo(2));
		}
	}

	private int thousandsOfBindsOnOneSocket(HttpClient http, SyncServer server, List<String> unanswered) throws Exception {
		RawSocket socket = RawSocket.connect(http, server.url());
		int frames = 0;
		for (int session = 1; session <= 3000; session++) {
			if (!socket.sendText(this.codec.encode(new SyncMessage.Bind(session, "bind-flood-" + session, false)), true)) {
				break;
			}
			frames++;
		}
		int close = socket.awaitClose(Duration.ofSeconds(30));
		if (close != SyncProtocol.CLOSE_PROTOCOL_ERROR || !hasError(socket, this.codec, ErrorCode.TOO_MANY_SESSIONS)) {
			unanswered.add("bind flood: close " + close + ", received " + socket.received.size() + " messages");
		}
		socket.abort();
		return frames;
	}

	/** What one offending connection sent, and what answer it must get. */
	private record Outcome(int frames, boolean closes, int errors) {

		Outcome(int frames, boolean closes) {
			this(frames, closes, 1);
		}

		boolean answered(RawSocket socket, MessageCodec codec) {
			if (this.closes) {
				int close = socket.awaitClose(Duration.ofSeconds(10));
				return close == SyncProtocol.CLOSE_PROTOCOL_ERROR && errorCount(socket, codec) >= 1;
			}
			try {
				await().atMost(Duration.ofSeconds(10)).until(() -> errorCount(socket, codec) >= this.errors);
				return true;
			}
			catch (org.awaitility.core.ConditionTimeoutException ex) {
				return false;
			}
		}

	}

	private static final String[] HOSTILE_PARTITIONS = { "../etc/passwd", "a/b", "..", "with space", "nul\u0000byte",
			"line\nbreak", "", "%2e%2e", "x".repeat(300), "C:\\windows", "\u202Eevil", "-starts-with-dash" };

	private Outcome offend(RawSocket socket, int kind, Random random) {
		String bind = this.codec.encode(new SyncMessage.Bind(1, "fuzz-" + random.nextInt(50), true));
		switch (kind) {
			case 0: { // random characters
				StringBuilder text = new StringBuilder();
				for (int i = 0, n = 1 + random.nextInt(200); i < n; i++) {
					text.append((char) random.nextInt(0xD7FF));
				}
				socket.sendText(text.toString(), true);
				return new Outcome(1, true);
			}
			case 1: // a truncated valid message
				socket.sendText(bind.substring(0, random.nextInt(bind.length())), true);
				return new Outcome(1, true);
			case 2: // wrong field types
				socket.sendText("{\"type\":\"bind\",\"session\":\"one\",\"partition\":7,\"needClientFileId\":\"yes\"}", true);
				return new Outcome(1, true);
			case 3: // huge and negative numbers
				socket.sendText(random.nextBoolean() ? "{\"type\":\"mark\",\"session\":-5,\"requestId\":1}"
						: "{\"type\":\"mark\",\"session\":1,\"requestId\":123456789012345678901234567890}", true);
				return new Outcome(1, true);
			case 4: // a session that was never bound
				socket.sendText(this.codec.encode(new SyncMessage.Mark(77, 1)), true);
				return new Outcome(1, true);
			case 5: // an upload before ident
				socket.sendText(bind, true);
				socket.sendText("{\"type\":\"upload\",\"session\":1,\"changesets\":[]}", true);
				return new Outcome(2, true);
			case 6: { // a download cursor from the future (a session-level error: the connection stays)
				socket.sendText(bind, true);
				await().atMost(Duration.ofSeconds(10)).until(() -> !socket.received.isEmpty());
				SyncMessage.Ident ident = (SyncMessage.Ident) this.codec.decode(socket.received.get(0));
				socket.sendText(this.codec.encode(new SyncMessage.Ident(1, ident.clientFileId(), ident.fileSalt(),
						1_000_000 + random.nextInt(1000), 0, ident.serverSalt())), true);
				return new Outcome(2, false);
			}
			case 7: // a frame over the size limit
				socket.sendText("{\"type\":\"ping\",\"timestamp\":1,\"pad\":\"" + "z".repeat(MAX_MESSAGE_BYTES) + "\"}", true);
				return new Outcome(1, true);
			case 8: // a binary frame where text is expected
				socket.sendBinary(bind.getBytes(StandardCharsets.UTF_8));
				return new Outcome(1, true);
			case 10: { // binds with hostile partition names (path tricks, control characters, too long)
				int binds = 20 + random.nextInt(100);
				int sent = 0;
				for (int i = 0; i < binds; i++) {
					String partition = HOSTILE_PARTITIONS[random.nextInt(HOSTILE_PARTITIONS.length)];
					if (!socket.sendText("{\"type\":\"bind\",\"session\":" + (i + 1) + ",\"partition\":"
							+ jsonString(partition) + ",\"needClientFileId\":true}", true)) {
						break;
					}
					sent++;
				}
				return new Outcome(sent, true);
			}
			case 11: { // an upload whose strings are not Unicode (escaped unpaired surrogates): stored as
				// UTF-8 they would turn into '?' (another document's id, another value than the writer's)
				socket.sendText(bind, true);
				await().atMost(Duration.ofSeconds(10)).until(() -> !socket.received.isEmpty());
				SyncMessage.Ident ident = (SyncMessage.Ident) this.codec.decode(socket.received.get(0));
				socket.sendText(this.codec.encode(new SyncMessage.Ident(1, ident.clientFileId(), ident.fileSalt(), 0, 0,
						ident.serverSalt())), true);
				String[] puts = { "{\"op\":\"put\",\"c\":\"t\",\"id\":\"x\\ud800y\",\"ts\":5,\"f\":{\"a\":1}}",
						"{\"op\":\"put\",\"c\":\"t\",\"id\":\"x\",\"ts\":5,\"f\":{\"a\":\"cut \\ud83d\"}}",
						"{\"op\":\"put\",\"c\":\"t\",\"id\":\"x\",\"ts\":5,\"f\":{\"a\":{\"\\udc00\":1}}}" };
				socket.sendText("{\"type\":\"upload\",\"session\":1,\"changesets\":[{\"clientVersion\":1,"
						+ "\"baseServerVersion\":0,\"ops\":[" + puts[random.nextInt(puts.length)] + "]}]}", true);
				return new Outcome(3, true);
			}
			default: { // slow partial frames of a message that turns out malformed
				String text = "{\"type\":\"bind\",\"session\":1,\"partition\":\"slow\",\"needClientFileId\":tru}";
				int frames = 0;
				for (int i = 0; i < text.length(); i += 8) {
					socket.sendText(text.substring(i, Math.min(text.length(), i + 8)), i + 8 >= text.length());
					frames++;
					sleep(2);
				}
				return new Outcome(frames, true);
			}
		}
	}

	/** A JSON string literal: every control character, quote and backslash escaped. */
	private static String jsonString(String value) {
		StringBuilder out = new StringBuilder("\"");
		for (char c : value.toCharArray()) {
			if (c < 0x20 || c == '"' || c == '\\') {
				out.append(String.format("\\u%04x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		return out.append('"').toString();
	}

	private static int errorCount(RawSocket socket, MessageCodec codec) {
		int errors = 0;
		for (String text : socket.received) {
			if (codec.decode(text) instanceof SyncMessage.Error) {
				errors++;
			}
		}
		return errors;
	}

	private static boolean hasError(RawSocket socket, MessageCodec codec, ErrorCode expected) {
		for (String text : socket.received) {
			SyncMessage message = codec.decode(text);
			if (message instanceof SyncMessage.Error error && (expected == null || error.code() == expected)) {
				return true;
			}
		}
		return false;
	}

	private SyncManager manager(SyncServer server, String name) {
		return SyncManager.create(SyncClientSettings.builder()
			.serverUrl(server.url())
			.baseDirectory(this.temp.resolve(name))
			.reconnectInitialDelay(Duration.ofMillis(100))
			.build());
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
