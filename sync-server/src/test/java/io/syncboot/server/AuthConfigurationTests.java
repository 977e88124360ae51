package io.syncboot.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSASigner;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.server.internal.embedded.EmbeddedTomcat;
import io.syncboot.server.internal.embedded.SyncEndpoint;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.server.HandshakeInterceptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * How authentication is configured: builder rules, RSA keys and application decoders, an engine
 * mounted without the handshake interceptor, and the standalone main's flags.
 */
class AuthConfigurationTests {

	@TempDir
	Path dataDirectory;

	@Test
	void builderRequiresAndValidatesAuthentication() {
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().hmacSecret("too-short"))
			.withMessageContaining("32 bytes");
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().hmacSecret(new byte[31]));
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().tokenTtl(Duration.ofSeconds(1)));
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().tokenTtl(Duration.ofDays(2)));
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().apiKey(" ", "alice"));
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().apiKey("k", "alice").apiKey("k", "bob"))
			.withMessageContaining("twice");
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().issuer(""));
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().jwkSetUri(URI.create("file:///keys")));
		assertThatIllegalStateException()
			.isThrownBy(() -> SyncServer.builder().port(0).dataDirectory(this.dataDirectory)
				.jwkSetUri(URI.create("https://id.example.com/jwks")).build())
			.withMessageContaining("jwkSetUri needs an issuer");
		SyncServer.Builder noAuth = SyncServer.builder().dataDirectory(this.dataDirectory);
		assertThatIllegalStateException().isThrownBy(noAuth::build).withMessageContaining("authentication is not configured");
		assertThatIllegalStateException()
			.isThrownBy(() -> SyncServer.builder().dataDirectory(this.dataDirectory).allowAnonymous().apiKey("k", "a").build())
			.withMessageContaining("hmacSecret");
		try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(this.dataDirectory)) {
			assertThatIllegalStateException().isThrownBy(() -> SyncServerEngine.builder().store(store, false).build())
				.withMessageContaining("authentication is not configured");
		}
	}

	@Test
	void rsaPublicKeyAndApplicationDecodersVerifyTokens() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		KeyPair keys = generator.generateKeyPair();
		String rs256 = Tokens.sign(Tokens.claims("alice").build(), JWSAlgorithm.RS256,
				new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.dataDirectory.resolve("rsa"))
			.rsaPublicKey((RSAPublicKey) keys.getPublic()).build().start()) {
			try (RawSyncClient client = new RawSyncClient(server.url(), rs256)) {
				client.bindNew(1, "p");
				client.expect(SyncMessage.Download.class);
			}
			assertThat(RawSyncClient.refusedHandshake(server.url(), Tokens.valid("alice")).statusCode())
				.as("an HS256 token on an RS256 server").isEqualTo(401);
		}
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey((RSAPublicKey) keys.getPublic()).build();
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.dataDirectory.resolve("decoder"))
			.jwtDecoder(decoder).build().start()) {
			try (RawSyncClient client = new RawSyncClient(server.url(), rs256)) {
				client.bindNew(1, "p");
				client.expect(SyncMessage.Download.class);
			}
			// the application's decoder accepts a token that never expires; the server does not
			String neverExpires = Tokens.sign(Tokens.claims("alice").expirationTime(null).build(), JWSAlgorithm.RS256,
					new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
			assertThat(decoder.decode(neverExpires).getExpiresAt()).isNull();
			HttpResponse<?> refused = RawSyncClient.refusedHandshake(server.url(), neverExpires);
			assertThat(refused.statusCode()).isEqualTo(401);
			assertThat(refused.headers().firstValue("SyncBoot-Error-Code")).hasValue("231");
		}
	}

	@Test
	void anAudienceIsRequiredOfEveryTokenAndCarriedByTheTokensIssuedForApiKeys() throws Exception {
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.dataDirectory)
			.hmacSecret(Tokens.SECRET).audience("sync-api").apiKey("key-bob", "bob").build().start()) {
			String forUs = Tokens.hs256(Tokens.claims("alice").audience(java.util.List.of("other", "sync-api")).build(),
					Tokens.SECRET);
			try (RawSyncClient alice = new RawSyncClient(server.url(), forUs)) {
				alice.bindNew(1, "p");
				alice.expect(SyncMessage.Download.class);
			}
			String forAnotherService = Tokens.hs256(Tokens.claims("alice").audience("other").build(), Tokens.SECRET);
			for (String token : new String[] { forAnotherService, Tokens.valid("alice") }) {
				HttpResponse<?> refused = RawSyncClient.refusedHandshake(server.url(), token);
				assertThat(refused.statusCode()).isEqualTo(401);
				assertThat(refused.headers().firstValue("SyncBoot-Error-Code")).hasValue("231");
			}
			HttpResponse<String> exchanged = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(server.tokenUrl()).header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"apiKey\":\"key-bob\"}")).build(),
						HttpResponse.BodyHandlers.ofString());
			Matcher token = Pattern.compile("\"accessToken\":\"([^\"]+)\"").matcher(exchanged.body());
			assertThat(token.find()).as(exchanged.body()).isTrue();
			try (RawSyncClient bob = new RawSyncClient(server.url(), token.group(1))) {
				bob.bindNew(1, "p");
				bob.expect(SyncMessage.Download.class);
			}
		}
		assertThatIllegalArgumentException().isThrownBy(() -> SyncServer.builder().audience(" "))
			.withMessageContaining("audience");
	}

	@Test
	void anonymousConnectionsAreAllowedOnlyWhenAskedAndPresentedTokensAreStillVerified() {
		try (SyncServer server = SyncServer.builder().port(0).dataDirectory(this.dataDirectory)
			.hmacSecret(Tokens.SECRET).allowAnonymous()
			.permissions(SyncPermissions.builder().readWrite("user-${sub}").read("public").build())
			.build().start()) {
			try (RawSyncClient anonymous = new RawSyncClient(server.url())) {
				anonymous.bindNew(1, "public");
				anonymous.expect(SyncMessage.Download.class);
				anonymous.send(new SyncMessage.Bind(2, "user-null", false));
				assertThat(anonymous.expect(SyncMessage.Error.class).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
			}
			assertThat(RawSyncClient.refusedHandshake(server.url(), Tokens.unsigned("alice")).statusCode())
				.as("a forged token is not downgraded to anonymous").isEqualTo(401);
			try (RawSyncClient alice = new RawSyncClient(server.url(), Tokens.valid("alice"))) {
				alice.bindNew(1, "user-alice");
				alice.expect(SyncMessage.Download.class);
			}
		}
	}

	@Test
	void anEngineMountedWithoutTheInterceptorStillRefusesInBand() throws Exception {
		HandshakeInterceptor none = new HandshakeInterceptor() {
			@Override
			public boolean beforeHandshake(org.springframework.http.server.ServerHttpRequest request,
					org.springframework.http.server.ServerHttpResponse response,
					org.springframework.web.socket.WebSocketHandler handler, Map<String, Object> attributes) {
				return true;
			}

			@Override
			public void afterHandshake(org.springframework.http.server.ServerHttpRequest request,
					org.springframework.http.server.ServerHttpResponse response,
					org.springframework.web.socket.WebSocketHandler handler, Exception exception) {
			}
		};
		try (SyncServerEngine engine = SyncServerEngine.builder()
			.store(JdbcHistoryStore.sqlite(this.dataDirectory), true)
			.hmacSecret(Tokens.SECRET)
			.build();
				EmbeddedTomcat tomcat = EmbeddedTomcat.start(0, new SyncEndpoint("/sync", engine.webSocketHandler(),
						none, engine.tokenEndpoint()))) {
			URI url = URI.create("ws://localhost:" + tomcat.port() + "/sync");
			StoreRows before = StoreRows.of(this.dataDirectory);
			try (RawSyncClient client = new RawSyncClient(url, Tokens.unsigned("alice"))) {
				try {
					client.send(new SyncMessage.Bind(1, "p", true));
				}
				catch (java.util.concurrent.CompletionException ex) {
					// the server refuses right after the upgrade: its close may come before the bind is sent
				}
				SyncMessage.Error error = client.expect(SyncMessage.Error.class);
				assertThat(error.session()).isZero();
				assertThat(error.code()).isEqualTo(ErrorCode.INVALID_TOKEN);
				assertThat(client.awaitCloseCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
			}
			assertThat(StoreRows.of(this.dataDirectory)).isEqualTo(before);
			try (RawSyncClient client = new RawSyncClient(url, Tokens.valid("alice"))) {
				client.bindNew(1, "p");
				client.expect(SyncMessage.Download.class);
			}
		}
	}

	@Test
	void anApiKeyIsExchangedInProcessForTheTokenTheEndpointWouldIssue() {
		try (SyncServerEngine engine = SyncServerEngine.builder()
			.store(JdbcHistoryStore.sqlite(this.dataDirectory), true)
			.hmacSecret(Tokens.SECRET)
			.apiKey("key-alice", "alice")
			.build()) {
			String token = engine.exchangeApiKey("key-alice").orElseThrow();
			assertThat(io.syncboot.server.internal.auth.JwtSupport.hmacDecoder(Tokens.SECRET.getBytes(StandardCharsets.UTF_8),
					null, null).decode(token).getSubject()).isEqualTo("alice");
			assertThat(engine.exchangeApiKey("key-bob")).isEmpty();
			assertThatIllegalArgumentException().isThrownBy(() -> engine.exchangeApiKey(""))
				.withMessageContaining("apiKey");
		}
		try (SyncServerEngine engine = SyncServerEngine.builder()
			.store(JdbcHistoryStore.sqlite(this.dataDirectory), true)
			.hmacSecret(Tokens.SECRET)
			.build()) {
			assertThat(engine.exchangeApiKey("key-alice")).isEmpty();
		}
	}

	@Test
	void mainRefusesToStartWithoutAuthentication() throws Exception {
		Process process = main("--port=0", "--data-directory=" + this.dataDirectory).redirectErrorStream(true).start();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).isEqualTo(2);
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(output).contains("authentication is not configured").contains("--hmac-secret").contains("--allow-anonymous");
	}

	@Test
	void mainRefusesAnApiKeyFileLineThatIsNotKeyAndUserWithoutPrintingIt() throws Exception {
		Path keys = Files.writeString(this.dataDirectory.resolve("api-keys.txt"), "key-carol:carol\nsecret-key-no-user\n");
		Process process = main("--port=0", "--data-directory=" + this.dataDirectory.resolve("data"),
				"--hmac-secret=" + Tokens.SECRET, "--api-key-file=" + keys).redirectErrorStream(true).start();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).isEqualTo(2);
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(output).contains("line 2 of " + keys + " is not KEY:USER").doesNotContain("secret-key-no-user");
	}

	@Test
	void mainWithASecretAndAnApiKeyServesAuthenticatedClientsOnly() throws Exception {
		Path errors = this.dataDirectory.resolve("stderr.txt");
		Path keys = Files.writeString(this.dataDirectory.resolve("api-keys.txt"),
				"# API keys, KEY:USER\n\n  key-carol:carol\n");
		Process process = main("--port=0", "--data-directory=" + this.dataDirectory.resolve("data"),
				"--hmac-secret=" + Tokens.SECRET, "--api-key=key-erin:erin", "--api-key-file=" + keys,
				"--read-write=user-${sub}")
			.redirectError(errors.toFile())
			.start();
		try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			Pattern listening = Pattern.compile("^SyncBoot server listening on (ws://localhost:(\\d+)/sync)$");
			URI url = null;
			int port = 0;
			String line;
			while (url == null && (line = out.readLine()) != null) {
				Matcher matcher = listening.matcher(line);
				if (matcher.matches()) {
					url = URI.create(matcher.group(1));
					port = Integer.parseInt(matcher.group(2));
				}
			}
			assertThat(url).as("the listening line").isNotNull();
			assertThat(RawSyncClient.refusedHandshake(url, null).statusCode()).isEqualTo(401);
			HttpResponse<String> exchanged = HttpClient.newHttpClient().send(HttpRequest
				.newBuilder(URI.create("http://localhost:" + port + "/sync/auth/token"))
				.header("X-Api-Key", "key-carol")
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(exchanged.statusCode()).isEqualTo(200);
			Matcher token = Pattern.compile("\"accessToken\":\"([^\"]+)\"").matcher(exchanged.body());
			assertThat(token.find()).isTrue();
			try (RawSyncClient client = new RawSyncClient(url, token.group(1))) {
				client.bindNew(1, "user-carol");
				client.expect(SyncMessage.Download.class);
				client.send(new SyncMessage.Bind(2, "user-dave", false));
				assertThat(client.expect(SyncMessage.Error.class).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
			}
			assertThat(Files.readString(errors)).as("standard error of a server with permission rules")
				.doesNotContain("permission");
		}
		finally {
			process.destroy();
			process.waitFor(30, TimeUnit.SECONDS);
			process.destroyForcibly();
		}
	}

	@Test
	void mainWarnsOnStandardErrorWhenEveryUserMayReadAndWriteEveryPartition() throws Exception {
		// SLF4J's warning is lost without a logging binding, which the module does not ship: the
		// console shows the allow-all default as it shows --allow-anonymous
		Path errors = this.dataDirectory.resolve("stderr.txt");
		Process process = main("--port=0", "--data-directory=" + this.dataDirectory.resolve("data"),
				"--hmac-secret=" + Tokens.SECRET)
			.redirectError(errors.toFile())
			.start();
		try {
			awaitListening(process);
		}
		finally {
			process.destroy();
			process.waitFor(30, TimeUnit.SECONDS);
			process.destroyForcibly();
		}
		assertThat(Files.readString(errors)).as("standard error of a server without --read-write or --read")
			.contains("WARNING: SyncBoot server has no permission rules")
			.contains("every authenticated user may read and write every partition")
			.contains("--read-write=PATTERN");
	}

	@Test
	void mainWithAPublicKeyServesRs256TokensAndRefusesAFileWithoutAKey() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		KeyPair keys = generator.generateKeyPair();
		Path pem = Files.writeString(this.dataDirectory.resolve("public.pem"), "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPublic().getEncoded())
				+ "\n-----END PUBLIC KEY-----\n");
		String rs256 = Tokens.sign(Tokens.claims("alice").build(), JWSAlgorithm.RS256,
				new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
		ServerProcess server = ServerProcess.start("--port=0", "--data-directory=" + this.dataDirectory.resolve("data"),
				"--public-key=" + pem);
		try {
			try (RawSyncClient client = new RawSyncClient(server.url(), rs256)) {
				client.bindNew(1, "p");
				client.expect(SyncMessage.Download.class);
			}
			assertThat(RawSyncClient.refusedHandshake(server.url(), Tokens.valid("alice")).statusCode())
				.as("an HS256 token on a server that verifies RS256").isEqualTo(401);
		}
		finally {
			server.process().destroy();
			server.process().waitFor(30, TimeUnit.SECONDS);
		}
		Path notAKey = Files.writeString(this.dataDirectory.resolve("not-a-key.pem"), "hello");
		for (Path file : new Path[] { notAKey, this.dataDirectory.resolve("missing.pem") }) {
			Process process = main("--port=0", "--data-directory=" + this.dataDirectory.resolve("data"),
					"--public-key=" + file).redirectErrorStream(true).start();
			assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(process.exitValue()).as("exit status for " + file).isEqualTo(2);
			assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
				.contains("invalid argument '--public-key=" + file + "'").contains(file.toString());
		}
	}

	/** Reads the child's standard output up to its listening line; fails if it ends without one. */
	private static void awaitListening(Process process) throws Exception {
		BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		String line;
		while ((line = out.readLine()) != null) {
			if (line.startsWith("SyncBoot server listening on ")) {
				return;
			}
		}
		throw new AssertionError("the server ended without its listening line (exit " + process.waitFor() + ")");
	}

	private static ProcessBuilder main(String... args) {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		String[] command = new String[args.length + 4];
		command[0] = java;
		command[1] = "-cp";
		command[2] = System.getProperty("java.class.path");
		command[3] = SyncServerMain.class.getName();
		System.arraycopy(args, 0, command, 4, args.length);
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().remove(SyncServerMain.SECRET_VARIABLE);
		return builder;
	}

}
