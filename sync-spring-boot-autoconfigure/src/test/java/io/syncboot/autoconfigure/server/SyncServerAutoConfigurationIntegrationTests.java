package io.syncboot.autoconfigure.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.syncboot.autoconfigure.client.SyncClientAutoConfiguration;
import io.syncboot.autoconfigure.client.SyncSessions;
import io.syncboot.autoconfigure.event.SyncConnectionStateChangedEvent;
import io.syncboot.client.ConnectionState;
import io.syncboot.client.ErrorAction;
import io.syncboot.client.SyncError;
import io.syncboot.client.SyncErrorHandler;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSessionState;
import io.syncboot.server.SyncServerEngine;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Spring Boot web application made a sync server by {@code sync.server.*} (HMAC tokens, API keys,
 * permissions from properties; RS256 tokens verified by a public key or by the application's
 * {@code JwtDecoder} bean), used by an auto-configured client that logs in with
 * {@code sync.auth.api-key} or {@code sync.auth.token}.
 */
class SyncServerAutoConfigurationIntegrationTests {

	@TempDir
	Path temp;

	@Test
	void servesAuthenticatedClientsWithinTheirPermissions() {
		try (ConfigurableApplicationContext server = serverWithAlicesApiKey().run()) {
			String port = server.getEnvironment().getProperty("local.server.port");
			List<SyncError> errors = new CopyOnWriteArrayList<>();
			SyncErrorHandler handler = (session, error) -> errors.add(error);
			new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SyncClientAutoConfiguration.class))
				.withPropertyValues("sync.server-url=ws://localhost:" + port + "/sync",
						"sync.base-directory=" + this.temp.resolve("client"), "sync.auth.api-key=key-alice",
						"sync.sessions.mine.partition=user-alice", "sync.sessions.theirs.partition=user-bob")
				.withBean(SyncErrorHandler.class, () -> handler)
				.run(context -> {
					SyncSessions sessions = context.getBean(SyncSessions.class);
					assertThat(sessions.database("mine").configuration().user().id()).isEqualTo("alice");
					sessions.database("mine").collection("notes").put("n1", Map.of("text", "hello"));
					assertThat(sessions.session("mine").uploadAllLocalChanges(Duration.ofSeconds(20))).isTrue();
					assertThat(server.getBean(SyncServerEngine.class).connectionCount()).isPositive();

					// user-bob is not alice's: the custom handler gets the permission error.
					await().atMost(Duration.ofSeconds(20)).until(() -> !errors.isEmpty());
					SyncError denied = errors.get(0);
					assertThat(denied.code()).isEqualTo(232);
					assertThat(denied.action()).isEqualTo(ErrorAction.DELETE_DATABASE);
					await().until(() -> sessions.session("theirs").state() == SyncSessionState.INVALID);
					assertThat(sessions.session("mine").state()).isEqualTo(SyncSessionState.ACTIVE);

					// The action token is usable: handling it deletes the refused partition's file.
					Path refused = sessions.database("theirs").path();
					assertThat(refused).exists();
					context.getBean(SyncManager.class).immediatelyHandleError(denied.actionToken().orElseThrow());
					assertThat(refused).doesNotExist();
					assertThat(sessions.database("mine").path()).exists();
				});
		}
	}

	@Test
	void anApplicationWhoseApiKeyLoggedInBeforeStartsWhileTheServerIsDown() throws Exception {
		String url;
		try (ConfigurableApplicationContext server = serverWithAlicesApiKey().run()) {
			url = "ws://localhost:" + server.getEnvironment().getProperty("local.server.port") + "/sync";
			clientWithApiKey(url, "key-alice").run(context -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(SyncSessions.class).database("mine").configuration().user().id())
					.isEqualTo("alice");
			});
		}
		// The server is gone: the key logged in here before, so the application starts offline as alice.
		clientWithApiKey(url, "key-alice").run(context -> {
			assertThat(context).hasNotFailed();
			SyncSessions sessions = context.getBean(SyncSessions.class);
			assertThat(sessions.database("mine").configuration().user().id()).isEqualTo("alice");
			sessions.database("mine").collection("notes").put("n1", Map.of("text", "written offline"));
			assertThat(sessions.database("mine").collection("notes").get("n1")).isPresent();
		});
		// A key that never logged in here cannot tell whose files to open.
		clientWithApiKey(url, "key-bob").run(context -> assertThat(context).hasFailed()
			.getFailure()
			.hasStackTraceContaining("cannot reach the token endpoint")
			.hasStackTraceContaining("this API key has not logged in under"));
	}

	/**
	 * A sync server on a random port, in {@code temp/server}, issuing HMAC tokens for the API key
	 * {@code key-alice} (user alice), each user reading and writing {@code user-<id>}.
	 */
	private SpringApplicationBuilder serverWithAlicesApiKey() {
		return new SpringApplicationBuilder(ServerApplication.class).properties("server.port=0",
				"sync.server.enabled=true", "sync.server.data-directory=" + this.temp.resolve("server"),
				"sync.server.auth.hmac-secret=" + SyncServerAutoConfigurationTests.SECRET,
				"sync.server.auth.api-keys.alice=key-alice", "sync.server.permissions.read-write=user-${sub}");
	}

	/** A port nothing listens on now, for an application whose sync.server-url must name its own port. */
	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private ApplicationContextRunner clientWithApiKey(String url, String apiKey) {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SyncClientAutoConfiguration.class))
			.withPropertyValues("sync.server-url=" + url, "sync.base-directory=" + this.temp.resolve("client"),
					"sync.auth.api-key=" + apiKey, "sync.sessions.mine.partition=user-alice");
	}

	@Test
	void servesClientsWithRs256TokensVerifiedByThePublicKey() throws Exception {
		RsaTokens keys = RsaTokens.generate();
		Path pem = keys.writePublicKey(this.temp.resolve("keys").resolve("public.pem"));
		try (ConfigurableApplicationContext server = new SpringApplicationBuilder(ServerApplication.class)
			.properties("server.port=0", "sync.server.enabled=true",
					"sync.server.data-directory=" + this.temp.resolve("server"),
					"sync.server.auth.public-key-location=file:" + pem,
					"sync.server.auth.issuer=https://id.syncboot.test",
					"sync.server.permissions.read-write=user-${sub}")
			.run()) {
			String url = "ws://localhost:" + server.getEnvironment().getProperty("local.server.port") + "/sync";
			assertSyncsAs(url, keys.token("alice", "https://id.syncboot.test"), "alice");
			// signed with another key, or without the issuer: refused at the handshake
			assertThat(handshakeStatus(url, RsaTokens.generate().token("alice", "https://id.syncboot.test")))
				.isEqualTo(401);
			assertThat(handshakeStatus(url, keys.token("alice"))).isEqualTo(401);
			assertThat(handshakeStatus(url, keys.token("alice", "https://id.syncboot.test"))).isEqualTo(101);
		}
	}

	@Test
	void verifiesTokensWithTheApplicationsJwtDecoderBean() throws Exception {
		RsaTokens keys = RsaTokens.generate();
		try (ConfigurableApplicationContext server = new SpringApplicationBuilder(ServerApplication.class)
			.initializers(context -> ((GenericApplicationContext) context).registerBean(JwtDecoder.class,
					() -> NimbusJwtDecoder.withPublicKey(keys.publicKey()).build()))
			.properties("server.port=0", "sync.server.enabled=true",
					"sync.server.data-directory=" + this.temp.resolve("server"))
			.run()) {
			String url = "ws://localhost:" + server.getEnvironment().getProperty("local.server.port") + "/sync";
			assertSyncsAs(url, keys.token("bob"), "bob");
			assertThat(handshakeStatus(url, RsaTokens.generate().token("bob"))).isEqualTo(401);
			assertThat(handshakeStatus(url, "not-a-jwt")).isEqualTo(401);
		}
	}

	@Test
	void requiresTheConfiguredIssuerAndAudienceOnTopOfTheApplicationsJwtDecoderBean() throws Exception {
		RsaTokens keys = RsaTokens.generate();
		try (ConfigurableApplicationContext server = new SpringApplicationBuilder(ServerApplication.class)
			.initializers(context -> ((GenericApplicationContext) context).registerBean(JwtDecoder.class,
					() -> NimbusJwtDecoder.withPublicKey(keys.publicKey()).build()))
			.properties("server.port=0", "sync.server.enabled=true",
					"sync.server.data-directory=" + this.temp.resolve("server"),
					"sync.server.auth.issuer=https://id.syncboot.test", "sync.server.auth.audience=sync-api")
			.run()) {
			String url = "ws://localhost:" + server.getEnvironment().getProperty("local.server.port") + "/sync";
			assertSyncsAs(url, keys.tokenWithAudience("carol", "https://id.syncboot.test", "sync-api"), "carol");
			// the bean alone would accept these: right key, another issuer or none, another audience or none
			assertThat(handshakeStatus(url, keys.tokenWithAudience("carol", "https://elsewhere.test", "sync-api")))
				.isEqualTo(401);
			assertThat(handshakeStatus(url, keys.token("carol"))).isEqualTo(401);
			assertThat(handshakeStatus(url, keys.tokenWithAudience("carol", "https://id.syncboot.test", "billing")))
				.isEqualTo(401);
			assertThat(handshakeStatus(url, keys.token("carol", "https://id.syncboot.test"))).isEqualTo(401);
		}
	}

	/** An auto-configured client with this token uploads a change to user-<user>. */
	private void assertSyncsAs(String url, String token, String user) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SyncClientAutoConfiguration.class))
			.withPropertyValues("sync.server-url=" + url, "sync.base-directory=" + this.temp.resolve("client-" + user),
					"sync.auth.token=" + token, "sync.sessions.mine.partition=user-" + user)
			.run(context -> {
				SyncSessions sessions = context.getBean(SyncSessions.class);
				assertThat(sessions.database("mine").configuration().user().id()).isEqualTo(user);
				sessions.database("mine").collection("notes").put("n1", Map.of("text", "hello"));
				assertThat(sessions.session("mine").uploadAllLocalChanges(Duration.ofSeconds(20))).isTrue();
				assertThat(sessions.status("mine").orElseThrow().lastError()).isNull();
			});
	}

	/** The HTTP status of a WebSocket handshake with this bearer token: 101 when it opens. */
	private static int handshakeStatus(String url, String token) throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		try {
			WebSocket socket = http.newWebSocketBuilder()
				.header("Authorization", "Bearer " + token)
				.buildAsync(URI.create(url), new WebSocket.Listener() {
				})
				.get(10, TimeUnit.SECONDS);
			socket.abort();
			return 101;
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof WebSocketHandshakeException handshake) {
				return handshake.getResponse().statusCode();
			}
			throw ex;
		}
	}

	@Test
	void theDefaultHandlerCarriesOutActionsWhenConfiguredTo() {
		try (ConfigurableApplicationContext server = serverWithAlicesApiKey().run()) {
			String port = server.getEnvironment().getProperty("local.server.port");
			new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SyncClientAutoConfiguration.class))
				.withPropertyValues("sync.server-url=ws://localhost:" + port + "/sync",
						"sync.base-directory=" + this.temp.resolve("client"), "sync.auth.api-key=key-alice",
						"sync.sessions.theirs.partition=user-bob", "sync.errors.handle-actions=true")
				.run(context -> {
					SyncSessions sessions = context.getBean(SyncSessions.class);
					Path refused = sessions.database("theirs").path();
					await().atMost(Duration.ofSeconds(20)).until(() -> !java.nio.file.Files.exists(refused));
					assertThat(sessions.session("theirs").state()).isEqualTo(SyncSessionState.INVALID);
				});
		}
	}

	@Test
	void anApplicationCanBeItsOwnServerAndClient() throws Exception {
		int port = freePort();
		SyncSessions sessions;
		List<SyncConnectionStateChangedEvent> connections = new CopyOnWriteArrayList<>();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ServerApplication.class)
			.listeners((ApplicationListener<SyncConnectionStateChangedEvent>) connections::add)
			.properties("server.port=" + port, "sync.server.enabled=true", "sync.server.allow-anonymous=true",
					"sync.server.data-directory=" + this.temp.resolve("server"),
					"sync.server-url=ws://localhost:" + port + "/sync",
					"sync.base-directory=" + this.temp.resolve("client"), "sync.sessions.notes.partition=notes")
			.run()) {
			// The sessions start with the context, after the web server, and connect to it.
			sessions = context.getBean(SyncSessions.class);
			// events are published on the notification thread: wait for the CONNECTED one itself
			await().atMost(Duration.ofSeconds(20)).until(() -> connections.stream()
				.anyMatch(event -> event.newState() == ConnectionState.CONNECTED));
			assertThat(sessions.session("notes").connectionState()).isEqualTo(ConnectionState.CONNECTED);
			assertThat(connections).allSatisfy(event -> assertThat(event.error()).isEmpty());
			assertThat(sessions.status("notes").orElseThrow().lastError()).isNull();
			sessions.database("notes").collection("notes").put("n1", Map.of("text", "local"));
			assertThat(sessions.session("notes").uploadAllLocalChanges(Duration.ofSeconds(20))).isTrue();
			assertThat(context.getBean(SyncServerEngine.class).sessionCount()).isEqualTo(1);
		}
		// The sessions stopped with the context.
		assertThat(sessions.database("notes").isClosed()).isTrue();
	}

	@Test
	void anApplicationCanBeItsOwnServerAndLogItsClientInWithOneOfItsApiKeys() throws Exception {
		int port = freePort();
		// The sessions log in when the context creates them, before the web server listens: the
		// key is exchanged in process, on the first start too.
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ServerApplication.class)
			.properties("server.port=" + port, "sync.server.enabled=true",
					"sync.server.data-directory=" + this.temp.resolve("server"),
					"sync.server.auth.hmac-secret=" + SyncServerAutoConfigurationTests.SECRET,
					"sync.server.auth.api-keys.alice=key-alice", "sync.server.permissions.read-write=user-${sub}",
					"sync.server-url=ws://localhost:" + port + "/sync", "sync.auth.api-key=key-alice",
					"sync.base-directory=" + this.temp.resolve("client"), "sync.sessions.mine.partition=user-alice")
			.run()) {
			SyncSessions sessions = context.getBean(SyncSessions.class);
			assertThat(sessions.database("mine").configuration().user().id()).isEqualTo("alice");
			sessions.database("mine").collection("notes").put("n1", Map.of("text", "hello"));
			assertThat(sessions.session("mine").uploadAllLocalChanges(Duration.ofSeconds(20))).isTrue();
			assertThat(context.getBean(SyncServerEngine.class).sessionCount()).isEqualTo(1);
		}
	}

	@Test
	void aClientOfAnotherServerExchangesItsApiKeyThereEvenIfThisServerHasTheKeyToo() throws Exception {
		int port = freePort();
		try (ConfigurableApplicationContext other = new SpringApplicationBuilder(ServerApplication.class)
			.properties("server.port=0", "sync.server.enabled=true",
					"sync.server.data-directory=" + this.temp.resolve("other"),
					"sync.server.auth.hmac-secret=" + SyncServerAutoConfigurationTests.SECRET,
					"sync.server.auth.api-keys.bob=shared-key", "sync.server.permissions.read-write=user-${sub}")
			.run()) {
			String otherUrl = "ws://localhost:" + other.getEnvironment().getProperty("local.server.port") + "/sync";
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ServerApplication.class)
				.properties("server.port=" + port, "sync.server.enabled=true",
						"sync.server.data-directory=" + this.temp.resolve("server"),
						"sync.server.auth.hmac-secret=" + SyncServerAutoConfigurationTests.SECRET,
						"sync.server.auth.api-keys.alice=shared-key", "sync.server-url=" + otherUrl,
						"sync.auth.api-key=shared-key", "sync.base-directory=" + this.temp.resolve("client"),
						"sync.sessions.mine.partition=user-bob")
				.run()) {
				// same key, same host and path, another port: the other server answers, for bob
				assertThat(context.getBean(SyncSessions.class).database("mine").configuration().user().id())
					.isEqualTo("bob");
			}
		}
	}

	@Test
	void withSmallConnectionBuffersLargeMessagesStillGoBothWays() throws Exception {
		int port = freePort();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ServerApplication.class)
			.properties("server.port=" + port, "sync.server.enabled=true", "sync.server.allow-anonymous=true",
					"sync.server.small-connection-buffers=true",
					"sync.server.data-directory=" + this.temp.resolve("server"),
					"sync.server-url=ws://localhost:" + port + "/sync",
					"sync.base-directory=" + this.temp.resolve("client"), "sync.sessions.writer.partition=notes")
			.run()) {
			Tomcat tomcat = ((TomcatWebServer) ((ServletWebServerApplicationContext) context).getWebServer()).getTomcat();
			assertThat(tomcat.getConnector().getProperty("socket.appReadBufSize")).hasToString("1024");
			assertThat(tomcat.getConnector().getProperty("socket.appWriteBufSize")).hasToString("1024");
			Context web = (Context) tomcat.getHost().findChildren()[0];
			assertThat(web.findParameter("org.apache.tomcat.websocket.textBufferSize")).isEqualTo("1024");
			assertThat(web.findParameter("org.apache.tomcat.websocket.binaryBufferSize")).isEqualTo("1024");

			SyncSessions sessions = context.getBean(SyncSessions.class);
			String text = "x".repeat(200_000);
			sessions.database("writer").collection("notes").put("big", Map.of("text", text));
			assertThat(sessions.session("writer").uploadAllLocalChanges(Duration.ofSeconds(20))).isTrue();
			new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SyncClientAutoConfiguration.class))
				.withPropertyValues("sync.server-url=ws://localhost:" + port + "/sync",
						"sync.base-directory=" + this.temp.resolve("reader"), "sync.sessions.reader.partition=notes")
				.run(reader -> {
					SyncSessions readers = reader.getBean(SyncSessions.class);
					assertThat(readers.session("reader").downloadAllServerChanges(Duration.ofSeconds(20))).isTrue();
					assertThat(readers.database("reader").collection("notes").get("big")).hasValueSatisfying(
							document -> assertThat(document.get("text")).isEqualTo(text));
				});
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ServerApplication {

	}

}
