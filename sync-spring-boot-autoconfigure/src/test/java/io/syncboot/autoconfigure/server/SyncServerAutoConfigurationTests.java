package io.syncboot.autoconfigure.server;

import java.nio.file.Files;
import java.nio.file.Path;

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
					"sync.server.auth.hmac-secret or sync.server.auth.jwk-set-uri must be set",
					"sync.server.allow-anonymous=true"));
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

}
