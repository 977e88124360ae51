package io.syncboot.autoconfigure.client;

import io.syncboot.client.SyncClientSettings;

/**
 * Callback that customizes the {@link SyncClientSettings} of the auto-configured
 * {@link io.syncboot.client.SyncManager} after the {@code sync.*} properties were applied. Every
 * bean of this type is called once, in {@link org.springframework.core.Ordered order}, while the
 * manager is created.
 */
@FunctionalInterface
public interface SyncClientSettingsCustomizer {

	/**
	 * Customizes the settings.
	 * @param builder the builder, already holding the values of the {@code sync.*} properties
	 */
	void customize(SyncClientSettings.Builder builder);

}
