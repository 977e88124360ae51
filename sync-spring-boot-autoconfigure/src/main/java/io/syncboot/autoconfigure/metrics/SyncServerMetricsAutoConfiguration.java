package io.syncboot.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.syncboot.autoconfigure.server.SyncServerAutoConfiguration;
import io.syncboot.autoconfigure.server.SyncServerProperties;
import io.syncboot.server.SyncServerEngine;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the embedded server's
 * {@link SyncServerMetrics}. Switched off with {@code sync.metrics.enabled=false}.
 */
@AutoConfiguration(after = SyncServerAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({ MeterRegistry.class, SyncServerEngine.class })
@ConditionalOnBean({ SyncServerEngine.class, SyncServerProperties.class, MeterRegistry.class })
@ConditionalOnBooleanProperty(name = "sync.metrics.enabled", matchIfMissing = true)
public final class SyncServerMetricsAutoConfiguration {

	SyncServerMetricsAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	SyncServerMetrics syncServerMetrics(SyncServerEngine engine) {
		return new SyncServerMetrics(engine);
	}

}
