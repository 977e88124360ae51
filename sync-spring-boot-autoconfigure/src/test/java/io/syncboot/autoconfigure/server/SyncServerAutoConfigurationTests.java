package io.syncboot.autoconfigure.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.syncboot.autoconfigure.client.SyncAccessTokenProvider;
import io.syncboot.autoconfigure.client.SyncClientAutoConfigurationTestSupport;
import io.syncboot.server.SyncPermissions;
import io.syncboot.server.SyncServerEngine;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;

import static org.assertj.core.api.Assertions.assertThat;

class SyncServerAutoConfigurationTests {

	static final String SECRET = "0123456789abcdef0123456789abcdef";

	@TempDir
	Path temp;

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncServerAutoConfiguration.class));

	private WebApplicationContextRunner enabled() {
		return this.runner.withPropertyValues("sync.server.enabled=true", "sync.server.allow-anonymous=true",
				"sync.server.data-directory=" + this.temp.resolve("server"));
	}

	@Test
	void aClientOfThisServerWithOneOfItsApiKeysGetsItsTokensInProcess() {
		WebApplicationContextRunner ownKey = this.runner.withPropertyValues("sync.server.enabled=true",
				"sync.server.data-directory=" + this.temp.resolve("server"), "sync.server.auth.hmac-secret=" + SECRET,
				"sync.server.auth.api-keys.alice=key-alice", "sync.auth.api-key=key-alice");
		ownKey.withPropertyValues("server.port=9123", "sync.server-url=ws://localhost:9123/sync")
			.run(context -> assertThat(context).hasSingleBean(SyncAccessTokenProvider.class));
		// behind a context path, on the default port
		ownKey.withPropertyValues("server.port=80", "server.servlet.context-path=/app/",
				"sync.server-url=ws://127.0.0.1/app/sync")
			.run(context -> assertThat(context).hasSingleBean(SyncAccessTokenProvider.class));
		// under the DispatcherServlet's own path too
		ownKey.withPropertyValues("server.port=9123", "spring.mvc.servlet.path=/api",
				"sync.server-url=ws://localhost:9123/api/sync")
			.run(context -> assertThat(context).hasSingleBean(SyncAccessTokenProvider.class));
		ownKey.withPropertyValues("server.port=9123", "spring.mvc.servlet.path=/api",
				"sync.server-url=ws://localhost:9123/sync")
			.run(context -> assertThat(context).doesNotHaveBean(SyncAccessTokenProvider.class));
		// another port, another path, another host, a random port, another key: the HTTP exchange
		ownKey.withPropertyValues("server.port=9123", "sync.server-url=ws://localhost:9124/sync")
			.run(context -> assertThat(context).doesNotHaveBean(SyncAccessTokenProvider.class));
		ownKey.withPropertyValues("server.port=9123", "sync.server-url=ws://localhost:9123/other")
			.run(context -> assertThat(context).doesNotHaveBean(SyncAccessTokenProvider.class));
		ownKey.withPropertyValues("server.port=9123", "sync.server-url=ws://sync.example.com:9123/sync")
			.run(context -> assertThat(context).doesNotHaveBean(SyncAccessTokenProvider.class));
		ownKey.withPropertyValues("server.port=0", "sync.server-url=ws://localhost:9123/sync")
			.run(context -> assertThat(context).doesNotHaveBean(SyncAccessTokenProvider.class));
		ownKey.withPropertyValues("server.port=9123", "sync.server-url=ws://localhost:9123/sync",
				"sync.auth.api-key=key-bob")
			.run(context -> assertThat(context).doesNotHaveBean(SyncAccessTokenProvider.class));
	}

	@Test
	void createsTheEngineAndItsEndpoint() {
		enabled().withPropertyValues("sync.server.path=/replication", "sync.server.max-message-size=1MB",
				"sync.server.send-timeout=5s", "sync.server.worker-threads=2")
			.run(context -> {
				assertThat(context).hasNotFailed().hasSingleBean(SyncServerEngine.class);
				assertThat(context).hasBean("syncServerWebSocketConfigurer");
				assertThat(context.getBean("syncServerWebSocketConfigurer")).isInstanceOf(WebSocketConfigurer.class);
				assertThat(context).hasBean("webSocketHandlerMapping");
				SyncServerProperties properties = context.getBean(SyncServerProperties.class);
				assertThat(properties.getPath()).isEqualTo("/replication");
				assertThat(Files.exists(this.temp.resolve("server").resolve(JdbcHistoryStore.SQLITE_FILE_NAME)))
					.isTrue();
				assertThat(context.getBean(SyncServerEngine.class).connectionCount()).isZero();
			});
	}

	@Test
	void leavesTheApplicationsTomcatBuffersAloneUnlessAsked() {
		enabled().run(context -> assertThat(context).doesNotHaveBean("syncServerSmallConnectionBuffers"));
		enabled().withPropertyValues("sync.server.small-connection-buffers=true")
			.run(context -> assertThat(context).hasBean("syncServerSmallConnectionBuffers"));
		enabled().withPropertyValues("sync.server.small-connection-buffers=true")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.tomcat"))
			.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("syncServerSmallConnectionBuffers"));
	}

	@Test
	void isOffByDefault() {
		this.runner.run(context -> assertThat(context).doesNotHaveBean(SyncServerEngine.class));
	}

	@Test
	void isOffWhenDisabled() {
		enabled().withPropertyValues("sync.server.enabled=false")
			.run(context -> assertThat(context).doesNotHaveBean(SyncServerEngine.class));
	}

	@Test
	void needsAServletWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SyncServerAutoConfiguration.class))
			.withPropertyValues("sync.server.enabled=true", "sync.server.allow-anonymous=true",
					"sync.server.data-directory=" + this.temp)
			.run(context -> assertThat(context).doesNotHaveBean(SyncServerEngine.class));
	}

	@Test
	void backsOffWithoutTheServerLibrary() {
		enabled().withClassLoader(new FilteredClassLoader(SyncServerEngine.class))
			.run(context -> assertThat(context).doesNotHaveBean("syncServerEngine"));
	}

	@Test
	void backsOffWithoutSpringWebSocket() {
		enabled().withClassLoader(new FilteredClassLoader(WebSocketConfigurer.class))
			.run(context -> assertThat(context).doesNotHaveBean("syncServerEngine"));
	}

	@Test
	void backsOffWhenTheUserDefinesAnEngine() {
		enabled()
			.withBean("myEngine", SyncServerEngine.class,
					() -> SyncServerEngine.builder()
						.store(JdbcHistoryStore.sqlite(this.temp.resolve("mine")), true)
						.allowAnonymous()
						.build(),
					bd -> bd.setDestroyMethodName("close"))
			.run(context -> {
				assertThat(context).hasSingleBean(SyncServerEngine.class).hasBean("myEngine");
				assertThat(Files.exists(this.temp.resolve("server"))).isFalse();
			});
	}

	@Test
	void refusesToRunWithoutAuthentication() {
		this.runner.withPropertyValues("sync.server.enabled=true", "sync.server.data-directory=" + this.temp)
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"set sync.server.auth.hmac-secret, sync.server.auth.public-key-location or "
							+ "sync.server.auth.jwk-set-uri, or define a JwtDecoder bean",
					"sync.server.allow-anonymous=true"));
	}

	@Test
	void authenticatesWithAnRsaPublicKey() {
		RsaTokens keys = RsaTokens.generate();
		Path pem = keys.writePublicKey(this.temp.resolve("keys/public.pem"));
		this.runner
			.withPropertyValues("sync.server.enabled=true", "sync.server.data-directory=" + this.temp.resolve("server"),
					"sync.server.auth.public-key-location=file:" + pem)
			.run(context -> {
				assertThat(context).hasNotFailed().hasSingleBean(SyncServerEngine.class);
				assertThat(context.getBean(SyncServerProperties.class).getAuth().getPublicKeyLocation().getFile())
					.isEqualTo(pem.toFile());
				SyncServerEngine engine = context.getBean(SyncServerEngine.class);
				assertThat(handshake(engine, keys.token("alice"))).isTrue();
				assertThat(handshake(engine, RsaTokens.generate().token("alice"))).as("signed with another key")
					.isFalse();
			});
	}

	@Test
	void failsOnAnUnusablePublicKey() throws Exception {
		Path missing = this.temp.resolve("missing.pem");
		enabled().withPropertyValues("sync.server.auth.public-key-location=file:" + missing)
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"sync.server.auth.public-key-location", "does not exist"));
		Path garbage = Files.writeString(this.temp.resolve("garbage.pem"), "not a key\n");
		enabled().withPropertyValues("sync.server.auth.public-key-location=file:" + garbage)
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"sync.server.auth.public-key-location", "Not a PEM-encoded X.509 RSA public key"));
		KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
		ec.initialize(256);
		Path ecKey = RsaTokens.writePem(this.temp.resolve("ec.pem"), ec.generateKeyPair().getPublic());
		enabled().withPropertyValues("sync.server.auth.public-key-location=file:" + ecKey)
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"sync.server.auth.public-key-location", "Not a PEM-encoded X.509 RSA public key"));
		Path ecCertificate = ecCertificate(this.temp.resolve("ec-certificate"));
		enabled().withPropertyValues("sync.server.auth.public-key-location=file:" + ecCertificate)
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"sync.server.auth.public-key-location", "Not a PEM-encoded X.509 RSA public key"));
		Path pem = RsaTokens.generate().writePublicKey(this.temp.resolve("public.pem"));
		enabled().withPropertyValues("sync.server.auth.public-key-location=file:" + pem,
				"sync.server.auth.hmac-secret=" + SECRET)
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"sync.server.auth.hmac-secret and sync.server.auth.public-key-location are both set"));
		enabled().withPropertyValues("sync.server.auth.public-key-location=file:" + pem,
				"sync.server.auth.jwk-set-uri=https://id.example.com/jwks")
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"sync.server.auth.jwk-set-uri and sync.server.auth.public-key-location are both set"));
	}

	@Test
	void verifiesTokensWithTheApplicationsJwtDecoder() {
		List<String> decoded = new CopyOnWriteArrayList<>();
		this.runner.withPropertyValues("sync.server.enabled=true", "sync.server.data-directory=" + this.temp)
			.withBean(JwtDecoder.class, () -> refusingDecoder(decoded))
			.run(context -> {
				assertThat(context).hasNotFailed().hasSingleBean(SyncServerEngine.class);
				assertThat(handshake(context.getBean(SyncServerEngine.class), "some-token")).isFalse();
				assertThat(decoded).containsExactly("some-token");
			});
	}

	@Test
	void keyPropertiesTakePrecedenceOverAJwtDecoderBean() {
		List<String> decoded = new CopyOnWriteArrayList<>();
		RsaTokens keys = RsaTokens.generate();
		Path pem = keys.writePublicKey(this.temp.resolve("public.pem"));
		enabled().withPropertyValues("sync.server.allow-anonymous=false",
				"sync.server.auth.public-key-location=file:" + pem)
			.withBean(JwtDecoder.class, () -> refusingDecoder(decoded))
			.run(context -> {
				assertThat(context).hasNotFailed();
				assertThat(handshake(context.getBean(SyncServerEngine.class), keys.token("alice"))).isTrue();
				assertThat(decoded).isEmpty();
			});
		enabled().withPropertyValues("sync.server.allow-anonymous=false", "sync.server.auth.hmac-secret=" + SECRET)
			.withBean(JwtDecoder.class, () -> refusingDecoder(decoded))
			.run(context -> {
				assertThat(context).hasNotFailed();
				assertThat(handshake(context.getBean(SyncServerEngine.class), keys.token("alice"))).isFalse();
				assertThat(decoded).isEmpty();
			});
	}

	@Test
	void usesThePrimaryOfSeveralJwtDecodersAndFailsWithoutOne() {
		List<String> first = new CopyOnWriteArrayList<>();
		List<String> second = new CopyOnWriteArrayList<>();
		this.runner.withPropertyValues("sync.server.enabled=true", "sync.server.data-directory=" + this.temp)
			.withBean("first", JwtDecoder.class, () -> refusingDecoder(first))
			.withBean("second", JwtDecoder.class, () -> refusingDecoder(second), bd -> bd.setPrimary(true))
			.run(context -> {
				assertThat(context).hasNotFailed();
				handshake(context.getBean(SyncServerEngine.class), "some-token");
				assertThat(first).isEmpty();
				assertThat(second).containsExactly("some-token");
			});
		this.runner.withPropertyValues("sync.server.enabled=true", "sync.server.data-directory=" + this.temp)
			.withBean("first", JwtDecoder.class, () -> refusingDecoder(first))
			.withBean("second", JwtDecoder.class, () -> refusingDecoder(second))
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"there are several and none is @Primary"));
	}

	/** A decoder that records the tokens it is given and refuses them. */
	private static JwtDecoder refusingDecoder(List<String> decoded) {
		return token -> {
			decoded.add(token);
			throw new BadJwtException("refused by the test decoder");
		};
	}

	/** Whether the engine's handshake interceptor accepts a handshake with this bearer token. */
	static boolean handshake(SyncServerEngine engine, String token) throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/sync");
		request.addHeader("Authorization", "Bearer " + token);
		return engine.handshakeInterceptor()
			.beforeHandshake(new ServletServerHttpRequest(request),
					new ServletServerHttpResponse(new MockHttpServletResponse()), engine.webSocketHandler(),
					new HashMap<>());
	}

	@Test
	void authenticatesWithAnHmacSecretAndUsesThePermissionsBean() {
		SyncPermissions permissions = SyncPermissions.builder().read("catalog").build();
		this.runner
			.withPropertyValues("sync.server.enabled=true", "sync.server.data-directory=" + this.temp,
					"sync.server.auth.hmac-secret=" + SECRET, "sync.server.auth.api-keys.alice=key-alice",
					"sync.server.auth.token-ttl=1m", "sync.server.permissions.read-write=user-${sub}",
					"sync.server.permissions.read=team-\\${claim.team}")
			.withBean(SyncPermissions.class, () -> permissions)
			.run(context -> {
				assertThat(context).hasNotFailed().hasSingleBean(SyncServerEngine.class);
				assertThat(context).hasBean("syncServerTokenEndpointMapping");
				SyncServerProperties properties = context.getBean(SyncServerProperties.class);
				assertThat(properties.getAuth().getApiKeys()).containsEntry("alice", "key-alice");
				assertThat(properties.getPermissions().getReadWrite()).containsExactly("user-${sub}");
				assertThat(properties.getPermissions().getRead()).containsExactly("team-${claim.team}");
			});
	}

	@Test
	void keepsAnApiKeyUserIdWrittenInBrackets() {
		this.runner
			.withPropertyValues("sync.server.enabled=true", "sync.server.data-directory=" + this.temp,
					"sync.server.auth.hmac-secret=" + SECRET, "sync.server.auth.api-keys.[bot@example.com]=key-bot",
					"sync.server.auth.api-keys.[Carol+sync|eu.1]=key-carol", "sync.server.auth.api-keys.alice=key-alice",
					"sync.server.auth.api-keys.bob_smith.jr=key-bob")
			.run(context -> {
				assertThat(context).hasNotFailed().hasSingleBean(SyncServerEngine.class);
				// the subject of the tokens issued for each key
				assertThat(context.getBean(SyncServerProperties.class).getAuth().getApiKeys()).containsOnlyKeys(
						"bot@example.com", "Carol+sync|eu.1", "alice", "bob_smith.jr");
			});
	}

	@Test
	void failsOnAnApiKeyUserIdThatBindingWouldRewrite() {
		// Spring Boot drops '@' from a map key written without brackets: the tokens issued for the key
		// would carry the subject 'botexample.com'
		for (String property : List.of("sync.server.auth.api-keys.bot@example.com",
				"sync.server.auth.apiKeys.bot@example.com")) {
			this.runner
				.withPropertyValues("sync.server.enabled=true", "sync.server.data-directory=" + this.temp,
						"sync.server.auth.hmac-secret=" + SECRET, property + "=key-bot")
				.run(context -> {
					SyncClientAutoConfigurationTestSupport.assertFailure(context, property,
							"'botexample.com'", "'bot@example.com'", "sync.server.auth.api-keys.[bot@example.com]");
					StringBuilder messages = new StringBuilder();
					for (Throwable ex = context.getStartupFailure(); ex != null; ex = ex.getCause()) {
						messages.append(ex.getMessage());
					}
					assertThat(messages.toString()).doesNotContain("key-bot");
				});
		}
	}

	@Test
	void failsOnInvalidAuthentication() {
		this.runner.withPropertyValues("sync.server.enabled=true", "sync.server.data-directory=" + this.temp,
				"sync.server.auth.hmac-secret=too-short-a-secret")
			.run(context -> {
				SyncClientAutoConfigurationTestSupport.assertFailure(context, "sync.server.auth.hmac-secret",
						"at least 32 bytes, was 18 bytes");
				StringBuilder messages = new StringBuilder();
				for (Throwable ex = context.getStartupFailure(); ex != null; ex = ex.getCause()) {
					messages.append(ex.getMessage());
				}
				assertThat(messages.toString()).doesNotContain("too-short-a-secret");
			});
		enabled().withPropertyValues("sync.server.auth.api-keys.alice=key-alice")
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"sync.server.auth.api-keys needs sync.server.auth.hmac-secret"));
		enabled().withPropertyValues("sync.server.auth.hmac-secret=" + SECRET,
				"sync.server.auth.jwk-set-uri=https://id.example.com/jwks")
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"sync.server.auth.hmac-secret and sync.server.auth.jwk-set-uri are both set"));
		enabled().withPropertyValues("sync.server.auth.hmac-secret=" + SECRET, "sync.server.auth.token-ttl=5s")
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context, "sync.server.auth.token-ttl",
					"PT5S"));
		enabled().withPropertyValues("sync.server.auth.jwk-set-uri=ftp://id.example.com/jwks")
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"sync.server.auth.jwk-set-uri", "ftp://id.example.com/jwks"));
		enabled().withPropertyValues("sync.server.auth.jwk-set-uri=https://id.example.com/jwks")
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"sync.server.auth.jwk-set-uri needs sync.server.auth.issuer"));
	}

	@Test
	void failsOnInvalidProperties() {
		enabled().withPropertyValues("sync.server.path=sync")
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context, "sync.server.path", "'sync'"));
		enabled().withPropertyValues("sync.server.send-timeout=-1s")
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context, "sync.server.send-timeout",
					"PT-1S"));
		enabled().withPropertyValues("sync.server.max-message-size=10KB")
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"sync.server.max-message-size", "10240B"));
		enabled().withPropertyValues("sync.server.worker-threads=0")
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"sync.server.worker-threads", "'0'"));
	}

	/** A PEM X.509 certificate of an EC key, made by the JDK's keytool. */
	private static Path ecCertificate(Path directory) throws Exception {
		Files.createDirectories(directory);
		String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
		Path store = directory.resolve("ec.p12");
		Path certificate = directory.resolve("ec-certificate.pem");
		run(keytool, "-genkeypair", "-alias", "ec", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=ec",
				"-validity", "1", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit");
		run(keytool, "-exportcert", "-rfc", "-alias", "ec", "-keystore", store.toString(), "-storepass", "changeit",
				"-file", certificate.toString());
		assertThat(Files.readString(certificate)).startsWith("-----BEGIN CERTIFICATE-----");
		return certificate;
	}

	private static void run(String... command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
	}

}
