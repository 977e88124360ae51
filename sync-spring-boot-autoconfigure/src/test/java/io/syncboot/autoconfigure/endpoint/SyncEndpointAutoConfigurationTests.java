package io.syncboot.autoconfigure.endpoint;

import java.nio.file.Path;
import java.util.Map;

import io.syncboot.autoconfigure.client.SyncClientAutoConfiguration;
import io.syncboot.autoconfigure.client.SyncSessions;
import io.syncboot.client.ConnectionState;
import io.syncboot.client.SyncSessionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SyncEndpointAutoConfigurationTests {

	@TempDir
	Path temp;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncClientAutoConfiguration.class, SyncEndpointAutoConfiguration.class,
				EndpointAutoConfiguration.class));

	private ApplicationContextRunner withSessions() {
		return this.runner.withPropertyValues("sync.server-url=ws://localhost:9/sync",
				"sync.base-directory=" + this.temp, "sync.sessions.orders.partition=orders",
				"sync.sessions.catalog.partition=catalog");
	}

	@Test
	void isPresentWhenExposed() {
		withSessions().withPropertyValues("management.endpoints.web.exposure.include=sync")
			.run(context -> assertThat(context).hasSingleBean(SyncEndpoint.class)
				.hasSingleBean(SyncEndpointWebExtension.class));
	}

	@Test
	void isAbsentWhenNotExposed() {
		withSessions().run(context -> assertThat(context).doesNotHaveBean(SyncEndpoint.class));
	}

	@Test
	void isAbsentWhenAccessIsNone() {
		withSessions()
			.withPropertyValues("management.endpoints.web.exposure.include=sync", "management.endpoint.sync.access=NONE")
			.run(context -> assertThat(context).doesNotHaveBean(SyncEndpoint.class));
	}

	@Test
	void webExtensionIsAbsentWhenOnlyExposedOverJmx() {
		withSessions().withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=sync")
			.run(context -> assertThat(context).hasSingleBean(SyncEndpoint.class)
				.doesNotHaveBean(SyncEndpointWebExtension.class));
	}

	@Test
	void isAbsentWithoutTheClient() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=sync")
			.run(context -> assertThat(context).doesNotHaveBean(SyncEndpoint.class));
	}

	@Test
	void isAbsentWithoutActuator() {
		withSessions().withPropertyValues("management.endpoints.web.exposure.include=sync")
			.withClassLoader(new FilteredClassLoader(ConditionalOnAvailableEndpoint.class))
			.run(context -> assertThat(context).doesNotHaveBean(SyncEndpoint.class));
	}

	@Test
	void backsOffWhenTheUserDefinesAnEndpoint() {
		withSessions().withPropertyValues("management.endpoints.web.exposure.include=sync")
			.withBean("mySyncEndpoint", SyncEndpoint.class,
					() -> new SyncEndpoint(new SyncSessionsFactory().empty()))
			.run(context -> assertThat(context).hasSingleBean(SyncEndpoint.class).hasBean("mySyncEndpoint"));
	}

	@Test
	void describesAndControlsSessions() {
		withSessions().withPropertyValues("management.endpoints.web.exposure.include=sync").run(context -> {
			SyncEndpoint endpoint = context.getBean(SyncEndpoint.class);
			SyncEndpointWebExtension web = context.getBean(SyncEndpointWebExtension.class);
			Map<String, SyncEndpoint.SessionDescriptor> all = endpoint.sessions().sessions();
			assertThat(all).containsOnlyKeys("orders", "catalog");
			SyncEndpoint.SessionDescriptor orders = all.get("orders");
			assertThat(orders.partition()).isEqualTo("orders");
			assertThat(orders.user()).isEqualTo("anonymous");
			assertThat(orders.state()).isEqualTo(SyncSessionState.ACTIVE);
			assertThat(orders.pendingChanges()).isZero();
			assertThat(orders.lastError()).isNull();
			assertThat(endpoint.session("missing")).isNull();

			WebEndpointResponse<Object> suspended = web.control("orders", "suspend");
			assertThat(suspended.getStatus()).isEqualTo(200);
			assertThat(((SyncEndpoint.SessionDescriptor) suspended.getBody()).state())
				.isEqualTo(SyncSessionState.INACTIVE);
			assertThat(((SyncEndpoint.SessionDescriptor) suspended.getBody()).connectionState())
				.isEqualTo(ConnectionState.DISCONNECTED);
			assertThat(context.getBean(SyncSessions.class).session("orders").state())
				.isEqualTo(SyncSessionState.INACTIVE);
			assertThat(context.getBean(SyncSessions.class).session("catalog").state())
				.isEqualTo(SyncSessionState.ACTIVE);
			assertThat(endpoint.control("orders", "RESUME").state()).isEqualTo(SyncSessionState.ACTIVE);
			assertThat(endpoint.control("orders", "reconnect").state()).isEqualTo(SyncSessionState.ACTIVE);

			WebEndpointResponse<Object> unknownName = web.control("missing", "suspend");
			assertThat(unknownName.getStatus()).isEqualTo(404);
			WebEndpointResponse<Object> badAction = web.control("orders", "explode");
			assertThat(badAction.getStatus()).isEqualTo(400);
			assertThat(badAction.getBody()).isEqualTo(Map.of("error",
					"Unknown action 'explode': use suspend, resume or reconnect"));
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.control("orders", "explode"))
				.withMessageContaining("explode");
		});
	}

}
