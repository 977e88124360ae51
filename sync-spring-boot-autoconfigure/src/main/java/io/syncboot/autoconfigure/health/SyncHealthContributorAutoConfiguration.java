package io.syncboot.autoconfigure.health;

import io.syncboot.autoconfigure.client.SyncClientAutoConfiguration;
import io.syncboot.autoconfigure.client.SyncProperties;
import io.syncboot.autoconfigure.client.SyncSessions;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@code sync} health contributor
 * ({@link SyncHealthIndicator}). Switched off with {@code management.health.sync.enabled=false}.
 */
@AutoConfiguration(after = SyncClientAutoConfiguration.class,
		beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass(ConditionalOnEnabledHealthIndicator.class)
@ConditionalOnBean({ SyncSessions.class, SyncProperties.class })
@ConditionalOnEnabledHealthIndicator("sync")
public final class SyncHealthContributorAutoConfiguration {

	SyncHealthContributorAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean(name = { "syncHealthIndicator", "syncHealthContributor" })
	SyncHealthIndicator syncHealthIndicator(SyncSessions sessions, SyncProperties properties) {
		return new SyncHealthIndicator(sessions, properties.getHealth().getDisconnectedGracePeriod());
	}

}
