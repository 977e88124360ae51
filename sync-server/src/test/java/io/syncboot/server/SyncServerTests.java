package io.syncboot.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.protocol.SyncProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The public API of {@link SyncServer}: configuration rules, lifecycle, limits, and the standalone main.
 */
class SyncServerTests {

	@TempDir
	Path dataDirectory;

	@Test
	void builderValidatesEveryArgument() {
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().port(-1)).withMessageContaining("-1");
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().port(65536));
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().dataDirectory(null));
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().path("sync"))
			.withMessageContaining("'sync'");
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().path("/sync/"));
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().maxMessageBytes(100));
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().sendTimeout(Duration.ZERO));
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().sendTimeout(null));
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().maxConnections(0))
			.withMessageContaining("maxConnections").withMessageContaining("0");
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().maxConnections(1_000_001));
		assertThatIllegalStateException().isThrownBy(() -> SyncServer.builder().allowAnonymous().build())
			.withMessageContaining("dataDirectory");
		assertThatIllegalStateException().isThrownBy(() -> SyncServer.builder().dataDirectory(this.dataDirectory).build())
			.withMessageContaining("authentication is not configured");
	}

	@Test
	void countsThePartitionsItServesAndStores() throws Exception {
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.dataDirectory).allowAnonymous()
			.build()
			.start()) {
			SyncServerEngine engine = server.engine();
			assertThat(engine.activePartitionCount()).isZero();
			assertThat(engine.store().partitionCount()).isZero();
			try (RawSyncClient first = new RawSyncClient(server.url());
					RawSyncClient second = new RawSyncClient(server.url())) {
				first.bindNew(1, "p");
				first.expect(SyncMessage.Download.class);
				first.bindNew(2, "q");
				first.expect(SyncMessage.Download.class);
				second.bindNew(1, "p");
				second.expect(SyncMessage.Download.class);
				assertThat(engine.sessionCount()).isEqualTo(3);
				assertThat(engine.activePartitionCount()).isEqualTo(2);
				assertThat(engine.store().partitionCount()).isEqualTo(2);

				first.close();
				await().atMost(Duration.ofSeconds(10)).until(() -> engine.sessionCount() == 1);
				assertThat(engine.activePartitionCount()).isEqualTo(1);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> engine.activePartitionCount() == 0);
			// the store keeps every partition it holds
			assertThat(engine.store().partitionCount()).isEqualTo(2);
		}
	}

	@Test
	void dataDirectoryMustNotBeAFile() throws Exception {
		Path file = Files.createFile(this.dataDirectory.resolve("file"));
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().dataDirectory(file))
			.withMessageContaining("not a directory");
	}

	@Test
	void startsOnAFreePortAndClosesCleanly() throws Exception {
		Path data = this.dataDirectory.resolve("nested/data");
		SyncServer server = SyncServer.builder().port(0).dataDirectory(data).allowAnonymous().build();
		assertThatIllegalStateException().isThrownBy(server::url);
		server.start();
		assertThat(server.port()).isPositive();
		assertThat(server.url()).isEqualTo(URI.create("ws://localhost:" + server.port() + "/sync"));
		assertThatIllegalStateException().isThrownBy(server::start);
		RawSyncClient client = new RawSyncClient(server.url());
		client.bindNew(1, "p");
		client.expect(SyncMessage.Download.class);
		server.close();
		SyncMessage.Error error = client.expect(SyncMessage.Error.class);
		assertThat(error.code()).isEqualTo(ErrorCode.SERVER_SHUTTING_DOWN);
		assertThat(client.awaitCloseCode()).isEqualTo(SyncProtocol.CLOSE_GOING_AWAY);
		client.close();
		server.close();
		assertThatIllegalStateException().isThrownBy(server::port);
		try (Stream<Path> files = Files.walk(data)) {
			files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		assertThat(data).doesNotExist();
	}

	@Test
	void aSecondServerOnTheSamePortFailsToStart() {
		try (SyncServer first = SyncServer.builder().port(0).dataDirectory(this.dataDirectory.resolve("a"))
			.allowAnonymous().build().start()) {
			SyncServer second = SyncServer.builder().port(first.port()).dataDirectory(this.dataDirectory.resolve("b"))
				.allowAnonymous().build();
			assertThatIllegalStateException().isThrownBy(second::start).withMessageContaining(String.valueOf(first.port()));
		}
	}

	@Test
	void customPathAndMessageLimit() {
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.dataDirectory).allowAnonymous()
			.path("/api/sync").maxMessageBytes(64 * 1024).build().start();
				RawSyncClient client = new RawSyncClient(server.url());
				RawSyncClient other = new RawSyncClient(server.url())) {
			assertThat(server.url().getPath()).isEqualTo("/api/sync");
			client.bindNew(1, "p");
			client.expect(SyncMessage.Download.class);
			client.sendText("{\"type\":\"ping\",\"timestamp\":1,\"pad\":\"" + "y".repeat(100_000) + "\"}");
			SyncMessage.Error error = client.expect(SyncMessage.Error.class);
			assertThat(error.code()).isEqualTo(ErrorCode.MESSAGE_TOO_BIG);
			assertThat(client.awaitCloseCode()).isEqualTo(SyncProtocol.CLOSE_PROTOCOL_ERROR);
			other.send(new SyncMessage.Ping(2));
			assertThat(other.expect(SyncMessage.Pong.class).timestamp()).isEqualTo(2);
		}
	}

	@Test
	void refusesAnUnsupportedProtocolVersion() throws Exception {
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.dataDirectory).allowAnonymous()
			.build().start()) {
			CompletableFuture<String> text = new CompletableFuture<>();
			CompletableFuture<Integer> closed = new CompletableFuture<>();
			WebSocket.Listener listener = new WebSocket.Listener() {
				@Override
				public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
					text.complete(data.toString());
					webSocket.request(1);
					return null;
				}

				@Override
				public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
					closed.complete(statusCode);
					return null;
				}
			};
			HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("io.syncboot.sync#99")
				.buildAsync(server.url(), listener).get(10, TimeUnit.SECONDS);
			assertThat(text.get(10, TimeUnit.SECONDS)).contains("\"code\":104");
			assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(SyncProtocol.CLOSE_PROTOCOL_ERROR);
		}
	}

	@Test
	void standaloneMainPrintsItsUrlAndStopsOnSigterm() throws Exception {
		Path data = this.dataDirectory.resolve("standalone");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				SyncServerMain.class.getName(), "--port=0", "--data-directory=" + data, "--allow-anonymous")
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			Pattern listening = Pattern.compile("^SyncBoot server listening on (ws://localhost:(\\d+)/sync)$");
			URI url = null;
			String line;
			while (url == null && (line = out.readLine()) != null) {
				Matcher matcher = listening.matcher(line);
				if (matcher.matches()) {
					url = URI.create(matcher.group(1));
				}
			}
			assertThat(url).as("the listening line").isNotNull();
			try (RawSyncClient client = new RawSyncClient(url)) {
				client.send(new SyncMessage.Ping(5));
				assertThat(client.expect(SyncMessage.Pong.class).timestamp()).isEqualTo(5);
			}
			process.destroy();
			assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(process.exitValue()).isIn(0, 143);
			assertThat(data.resolve("syncboot-server.db")).exists();
			assertThat(data.resolve("syncboot-server.db-wal")).as("closed cleanly").doesNotExist();
		}
		finally {
			process.destroyForcibly();
		}
	}

	@Test
	void mainRejectsUnknownArguments() throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				SyncServerMain.class.getName(), "--bogus").redirectErrorStream(true).start();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).isEqualTo(2);
		assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("--bogus");
	}


	@Test
	void mainNamesAnUnknownArgumentWithoutItsValue() throws Exception {
		// a mistyped secret flag must not end up in a terminal, a log collector or a CI transcript
		String secret = "TOP-SECRET-0123456789-abcdefghijklmnop";
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		for (String[] args : new String[][] { { "--port=0", "--hmac_secret=" + secret }, { "--port=0", secret } }) {
			String[] command = Stream.concat(Stream.of(java, "-cp", System.getProperty("java.class.path"),
					SyncServerMain.class.getName()), Stream.of(args)).toArray(String[]::new);
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(process.exitValue()).isEqualTo(2);
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(output).as("output for " + String.join(" ", args)).doesNotContain(secret).contains("usage:");
			if (args[1].startsWith("--")) {
				assertThat(output).contains("unknown argument '--hmac_secret'");
			}
			else {
				assertThat(output).contains("argument 2 is not a --name=value flag");
			}
		}
	}

}
