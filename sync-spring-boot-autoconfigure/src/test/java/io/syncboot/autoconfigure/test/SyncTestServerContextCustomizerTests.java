package io.syncboot.autoconfigure.test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncManager;
import io.syncboot.server.SyncServer;
import org.junit.jupiter.api.Test;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.ContextCustomizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class SyncTestServerContextCustomizerTests {

	private final SyncTestServerContextCustomizerFactory factory = new SyncTestServerContextCustomizerFactory();

	@Test
	void onlyAnnotatedTestClassesGetTheServer() {
		assertThat(this.factory.createContextCustomizer(Plain.class, List.of())).isNull();
		assertThat(this.factory.createContextCustomizer(Annotated.class, List.of()))
			.isInstanceOf(SyncTestServerContextCustomizer.class);
		assertThat(this.factory.createContextCustomizer(Inheriting.class, List.of()))
			.isInstanceOf(SyncTestServerContextCustomizer.class);
	}

	@Test
	void customizersAreEqualSoContextsAreCached() {
		ContextCustomizer one = this.factory.createContextCustomizer(Annotated.class, List.of());
		ContextCustomizer two = this.factory.createContextCustomizer(Inheriting.class, List.of());
		assertThat(one).isEqualTo(two).hasSameHashCodeAs(two);
	}

	@Test
	void startsAServerPointsTheClientAtItAndStopsItWithTheContext() {
		SyncServer server;
		Path data;
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			new SyncTestServerContextCustomizer().customizeContext(context, null);
			context.refresh();
			server = context.getBean("syncTestServer", SyncServer.class);
			data = server.dataDirectory();
			String url = context.getEnvironment().getProperty("sync.server-url");
			assertThat(URI.create(url)).isEqualTo(server.url());
			assertThat(server.port()).isPositive();
			assertThat(Files.isDirectory(data)).isTrue();
		}
		assertThatIllegalStateException().isThrownBy(server::url);
		assertThat(Files.exists(data)).isFalse();
	}

	@Test
	void theClientGetsAFreshDirectoryDeletedWithTheContext() {
		Path client;
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.getEnvironment()
				.getPropertySources()
				.addLast(new MapPropertySource("application", Map.of("sync.base-directory", "sync-data")));
			new SyncTestServerContextCustomizer().customizeContext(context, mergedConfig());
			context.refresh();
			client = Path.of(context.getEnvironment().getProperty("sync.base-directory"));
			Path server = context.getBean("syncTestServer", SyncServer.class).dataDirectory();
			assertThat(client).isAbsolute().isNotEqualTo(server);
			assertThat(client.getParent()).isEqualTo(server.getParent());
			// an application that is its own sync server keeps its history in the same temporary directory
			Path applicationServer = Path.of(context.getEnvironment().getProperty("sync.server.data-directory"));
			assertThat(applicationServer).isNotEqualTo(server).isNotEqualTo(client);
			assertThat(applicationServer.getParent()).isEqualTo(server.getParent());
		}
		assertThat(client.getParent()).doesNotExist();
	}

	@Test
	void aClientDirectoryTheTestSetsInlineIsKept() {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			new SyncTestServerContextCustomizer().customizeContext(context,
					mergedConfig("sync.sessions.orders.partition=orders", "sync.base-directory = target/mine"));
			context.refresh();
			assertThat(context.getEnvironment().getProperty("sync.base-directory")).isNull();
		}
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			new SyncTestServerContextCustomizer().customizeContext(context,
					mergedConfig("sync.server.data-directory=target/server-of-mine"));
			context.refresh();
			assertThat(context.getEnvironment().getProperty("sync.server.data-directory")).isNull();
		}
	}

	@Test
	void apiKeysOfTheAnnotationAreExchangedForTokensOfTheirUsers() throws Exception {
		ContextCustomizer customizer = this.factory.createContextCustomizer(WithApiKeys.class, List.of());
		assertThat(customizer).isNotEqualTo(this.factory.createContextCustomizer(Annotated.class, List.of()))
			.isEqualTo(this.factory.createContextCustomizer(WithApiKeys.class, List.of()));
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			customizer.customizeContext(context, mergedConfig());
			context.refresh();
			SyncServer server = context.getBean("syncTestServer", SyncServer.class);
			try (SyncManager manager = SyncManager.create(SyncClientSettings.builder()
				.serverUrl(server.url())
				.baseDirectory(Path.of(context.getEnvironment().getProperty("sync.base-directory")))
				.build())) {
				assertThat(manager.logIn(SyncCredentials.apiKey("test-key")).id()).isEqualTo("alice");
				assertThat(manager.logIn(SyncCredentials.anonymous()).id()).isEqualTo("anonymous");
			}
		}
	}

	@Test
	void aMalformedApiKeyEntryFailsTheContextNamingIt() {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			assertThatIllegalStateException()
				.isThrownBy(() -> new SyncTestServerContextCustomizer(List.of("no-user")).customizeContext(context,
						mergedConfig()))
				.withMessageContaining("'no-user'");
		}
	}

	@Test
	void withoutTheServerOnTheClassPathTheAnnotationSaysWhichDependencyIsMissing() {
		ClassLoader withoutServer = new ClassLoader(getClass().getClassLoader()) {

			@Override
			protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
				if (name.equals(SyncTestServerContextCustomizerFactory.SERVER_CLASS)) {
					throw new ClassNotFoundException(name);
				}
				return super.loadClass(name, resolve);
			}

		};
		assertThatIllegalStateException()
			.isThrownBy(() -> SyncTestServerContextCustomizerFactory.requireServer(Annotated.class, withoutServer))
			.withMessageContaining("io.syncboot:sync-server");
		SyncTestServerContextCustomizerFactory.requireServer(Annotated.class, getClass().getClassLoader());
	}

	private static MergedContextConfiguration mergedConfig(String... inlineProperties) {
		return new MergedContextConfiguration(Annotated.class, null, null, null, null, List.of(), inlineProperties,
				Set.of(), null, null, null);
	}

	static class Plain {

	}

	@AutoConfigureSyncTestServer
	static class Annotated {

	}

	static class Inheriting extends Annotated {

	}

	@AutoConfigureSyncTestServer(apiKeys = "test-key = alice")
	static class WithApiKeys {

	}

}
