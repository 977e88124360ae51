package io.syncboot.autoconfigure.test;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Creates the {@link SyncTestServerContextCustomizer} for test classes annotated with
 * {@link AutoConfigureSyncTestServer}.
 */
class SyncTestServerContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		if (!TestContextAnnotationUtils.hasAnnotation(testClass, AutoConfigureSyncTestServer.class)) {
			return null;
		}
		return new SyncTestServerContextCustomizer();
	}

}
