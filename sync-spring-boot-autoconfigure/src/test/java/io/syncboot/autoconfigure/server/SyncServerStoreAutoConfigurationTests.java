package io.syncboot.autoconfigure.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.syncboot.autoconfigure.client.SyncClientAutoConfiguration;
import io.syncboot.autoconfigure.client.SyncClientAutoConfigurationTestSupport;
import io.syncboot.autoconfigure.client.SyncSessions;
import io.syncboot.autoconfigure.endpoint.SyncServerEndpoint;
import io.syncboot.autoconfigure.endpoint.SyncServerEndpointAutoConfiguration;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.server.SyncServerEngine;
import io.syncboot.server.store.ClientFile;
import io.syncboot.server.store.HistoryStore;
import io.syncboot.server.store.jdbc.JdbcHistoryStore;
import io.syncboot.server.store.jdbc.PostgresDialect;
import io.syncboot.test.postgres.EmbeddedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code sync.server.history.*} and {@code sync.server.store.*}: the history the engine keeps and
 * the database it keeps it in (the embedded file, or the application's PostgreSQL {@link DataSource}
 * on a real embedded PostgreSQL server).
 */
class SyncServerStoreAutoConfigurationTests {

	private static EmbeddedDatabase postgres;

	@TempDir
	Path temp;

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncServerAutoConfiguration.class));

	@BeforeAll
	static void startPostgres() {
		postgres = EmbeddedDatabase.start();
	}

	@AfterAll
	static void stopPostgres() {
		postgres.close();
	}

	private WebApplicationContextRunner enabled() {
		return this.runner.withPropertyValues("sync.server.enabled=true", "sync.server.allow-anonymous=true",
				"sync.server.data-directory=" + this.temp.resolve("server"));
	}

	/** Integrates one changeset on partition "p"; returns the store. */
	private static HistoryStore writeOneChange(SyncServerEngine engine) {
		HistoryStore store = engine.store();
		ClientFile file = store.allocateClientFile("p");
		store.integrate("p", file.fileId(),
				List.of(new Changeset(1, 0, List.of(new Operation.Put("tasks", "t1", 1, Map.of("title", "a"))))));
		return store;
	}

	@Test
	void keepsTheHistoryForeverByDefault() throws Exception {
		enabled().run(context -> {
			SyncServerEngine engine = context.getBean(SyncServerEngine.class);
			writeOneChange(engine);
			Thread.sleep(1100);
			assertThat(engine.compactNow()).isZero();
			assertThat(engine.store().changesetsAfter("p", 0, 0, 1_000_000).changesets()).hasSize(1);
		});
	}

	@Test
	void removesHistoryOlderThanTheRetention() {
		enabled().withPropertyValues("sync.server.history.retention=1h", "sync.server.history.compaction-interval=1d",
				"sync.server.data-directory=" + this.temp.resolve("young"))
			.run(context -> {
				SyncServerEngine engine = context.getBean(SyncServerEngine.class);
				writeOneChange(engine);
				assertThat(engine.compactNow()).as("a change younger than the retention").isZero();
			});
		enabled().withPropertyValues("sync.server.history.retention=1s", "sync.server.history.compaction-interval=1d")
			.run(context -> {
				SyncServerEngine engine = context.getBean(SyncServerEngine.class);
				HistoryStore store = writeOneChange(engine);
				Thread.sleep(1100);
				assertThat(engine.compactNow()).isEqualTo(1);
				assertThat(store.compactedVersion("p")).isEqualTo(1);
				// document states stay: a new client still bootstraps from them
				assertThat(store.snapshot("p", null, 1_000_000).documents()).hasSize(1);
			});
	}

	@Test
	void compactsEveryCompactionInterval() {
		enabled().withPropertyValues("sync.server.history.retention=1s", "sync.server.history.compaction-interval=200ms")
			.run(context -> {
				HistoryStore store = writeOneChange(context.getBean(SyncServerEngine.class));
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(store.compactedVersion("p")).isEqualTo(1));
			});
	}

	@Test
	void failsOnAnInvalidRetentionOrInterval() {
		enabled().withPropertyValues("sync.server.history.retention=500ms")
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"sync.server.history.retention", "PT0.5S"));
		enabled().withPropertyValues("sync.server.history.compaction-interval=50ms")
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"sync.server.history.compaction-interval", "PT0.05S"));
		enabled().withPropertyValues("sync.server.history.compaction-interval=2d")
			.run(context -> SyncClientAutoConfigurationTestSupport.assertFailure(context,
					"sync.server.history.compaction-interval", "PT48H"));
	}

	@Test
	void storesInTheApplicationsPostgresqlDataSource() {
		String url = postgres.createDatabase();
		enabled().withPropertyValues("sync.server.store.type=datasource",
				"management.endpoints.web.exposure.include=syncserver")
			.withConfiguration(AutoConfigurations.of(SyncServerEndpointAutoConfiguration.class,
					EndpointAutoConfiguration.class))
			.withBean(DataSource.class, () -> new DriverManagerDataSource(url, postgres.user(), postgres.password()))
			.run(context -> {
				assertThat(context).hasNotFailed();
				JdbcHistoryStore store = (JdbcHistoryStore) context.getBean(SyncServerEngine.class).store();
				assertThat(store.dialect()).isSameAs(PostgresDialect.INSTANCE);
				writeOneChange(context.getBean(SyncServerEngine.class));
				assertThat(EmbeddedDatabase.queryLong(url, "SELECT count(*) FROM syncboot_history")).isEqualTo(1);
				assertThat(Files.exists(this.temp.resolve("server"))).as("no embedded store").isFalse();
				SyncServerEndpoint.ServerDescriptor described = context.getBean(SyncServerEndpoint.class).server();
				assertThat(described.dataDirectory()).isNull();
				assertThat(described.historySizeBytes()).isPositive();
			});
		// the data source outlives the context: the store did not close it
		assertThat(EmbeddedDatabase.queryLong(url, "SELECT count(*) FROM syncboot_document")).isEqualTo(1);
	}

	@Test
	void sharesTheDataSourceWithTheApplicationsOwnFlywayMigrations() {
		String url = postgres.createDatabase();
		enabled().withPropertyValues("sync.server.store.type=datasource",
				"spring.flyway.locations=classpath:io/syncboot/autoconfigure/server/app-migrations")
			.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
			.withBean(DataSource.class, () -> new DriverManagerDataSource(url, postgres.user(), postgres.password()))
			.run(context -> {
				assertThat(context).hasNotFailed();
				writeOneChange(context.getBean(SyncServerEngine.class));
				// the application's migrations ran first, on an empty schema: no baseline of theirs
				assertThat(EmbeddedDatabase.queryLong(url,
						"SELECT count(*) FROM flyway_schema_history WHERE success AND type = 'SQL'")).isEqualTo(1);
				assertThat(EmbeddedDatabase.queryLong(url, "SELECT count(*) FROM app_notes")).isEqualTo(1);
				assertThat(EmbeddedDatabase.queryLong(url, "SELECT count(*) FROM syncboot_history")).isEqualTo(1);
			});
	}

	@Test
	void twoApplicationsOnOneDatabaseServeTheSamePartition() {
		String url = postgres.createDatabase();
		try (ConfigurableApplicationContext first = node(url, "first");
				ConfigurableApplicationContext second = node(url, "second")) {
			new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SyncClientAutoConfiguration.class))
				.withPropertyValues("sync.server-url=ws://localhost:" + port(first) + "/sync",
						"sync.base-directory=" + this.temp.resolve("writer"), "sync.sessions.notes.partition=notes")
				.run(writer -> new ApplicationContextRunner()
					.withConfiguration(AutoConfigurations.of(SyncClientAutoConfiguration.class))
					.withPropertyValues("sync.server-url=ws://localhost:" + port(second) + "/sync",
							"sync.base-directory=" + this.temp.resolve("reader"), "sync.sessions.notes.partition=notes")
					.run(reader -> {
						SyncSessions readers = reader.getBean(SyncSessions.class);
						assertThat(readers.session("notes").downloadAllServerChanges(Duration.ofSeconds(20))).isTrue();
						SyncSessions writers = writer.getBean(SyncSessions.class);
						writers.database("notes").collection("notes").put("n1", Map.of("text", "from the first node"));
						assertThat(writers.session("notes").uploadAllLocalChanges(Duration.ofSeconds(20))).isTrue();
						// the second node learns of the first node's commit through the database
						await().atMost(Duration.ofSeconds(20))
							.untilAsserted(() -> assertThat(readers.database("notes").collection("notes").get("n1"))
								.hasValueSatisfying(note -> assertThat(note.get("text")).isEqualTo("from the first node")));
					}));
		}
	}

	private ConfigurableApplicationContext node(String url, String name) {
		return new SpringApplicationBuilder(NodeApplication.class)
			.initializers(context -> ((GenericApplicationContext) context).registerBean(DataSource.class,
					() -> new DriverManagerDataSource(url, postgres.user(), postgres.password())))
			.properties("server.port=0", "spring.flyway.enabled=false", "sync.server.enabled=true",
					"sync.server.allow-anonymous=true", "sync.server.store.type=datasource",
					"sync.server.data-directory=" + this.temp.resolve(name))
			.run();
	}

	private static String port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getProperty("local.server.port");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class NodeApplication {

	}

	@Test
	void refusesADataSourceStoreWithoutFlywaysPostgresqlSupport() {
		String url = postgres.createDatabase();
		enabled().withPropertyValues("sync.server.store.type=datasource")
			.withClassLoader(new FilteredClassLoader("org.flywaydb.database.postgresql"))
			.withBean(DataSource.class, () -> new DriverManagerDataSource(url, postgres.user(), postgres.password()))
			.run(context -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("add org.flywaydb:flyway-database-postgresql"));
	}

	@Test
	void refusesADataSourceStoreWithoutADataSource() {
		enabled().withPropertyValues("sync.server.store.type=datasource")
			.run(context -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sync.server.store.type=datasource needs the application's DataSource")
				.hasMessageContaining("none"));
	}

	@Test
	void refusesADataSourceThatIsNotPostgresql() {
		Path file = this.temp.resolve("app.db");
		enabled().withPropertyValues("sync.server.store.type=datasource")
			.withBean(DataSource.class, () -> new DriverManagerDataSource("jdbc:sqlite:" + file))
			.run(context -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("needs a PostgreSQL DataSource, the application's is SQLite"));
	}

}
