package io.syncboot.autoconfigure.test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.syncboot.server.SyncServer;
import org.junit.jupiter.api.Test;

import org.springframework.context.support.GenericApplicationContext;
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

	static class Plain {

	}

	@AutoConfigureSyncTestServer
	static class Annotated {

	}

	static class Inheriting extends Annotated {

	}

}
