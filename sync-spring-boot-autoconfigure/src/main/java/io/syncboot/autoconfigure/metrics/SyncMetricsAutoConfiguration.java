package io.syncboot.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.syncboot.autoconfigure.client.SyncClientAutoConfiguration;
import io.syncboot.autoconfigure.client.SyncSessions;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the client's {@link SyncMetrics}, when
 * Micrometer and a {@link MeterRegistry} are present. Switched off with
 * {@code sync.metrics.enabled=false}.
 */
@AutoConfiguration(after = SyncClientAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ SyncSessions.class, MeterRegistry.class })
@ConditionalOnBooleanProperty(name = "sync.metrics.enabled", matchIfMissing = true)
public final class SyncMetricsAutoConfiguration {

	SyncMetricsAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	SyncMetrics syncMetrics(SyncSessions sessions) {
		return new SyncMetrics(sessions);
	}

}
