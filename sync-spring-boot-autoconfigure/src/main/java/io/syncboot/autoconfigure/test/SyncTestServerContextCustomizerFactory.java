package io.syncboot.autoconfigure.test;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.util.ClassUtils;

/**
 * Creates the {@link SyncTestServerContextCustomizer} for test classes annotated with
 * {@link AutoConfigureSyncTestServer}.
 */
class SyncTestServerContextCustomizerFactory implements ContextCustomizerFactory {

	static final String SERVER_CLASS = "io.syncboot.server.SyncServer";

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		if (!TestContextAnnotationUtils.hasAnnotation(testClass, AutoConfigureSyncTestServer.class)) {
			return null;
		}
		requireServer(testClass, testClass.getClassLoader());
		AutoConfigureSyncTestServer annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				AutoConfigureSyncTestServer.class);
		return new SyncTestServerContextCustomizer((annotation != null) ? List.of(annotation.apiKeys()) : List.of());
	}

	/** Fails with the dependency to add if the sync server is not on the test class path. */
	static void requireServer(Class<?> testClass, @Nullable ClassLoader classLoader) {
		if (!ClassUtils.isPresent(SERVER_CLASS, classLoader)) {
			throw new IllegalStateException("@AutoConfigureSyncTestServer on " + testClass.getName()
					+ " needs the sync server on the test class path: add the dependency io.syncboot:sync-server"
					+ " with <scope>test</scope>");
		}
	}

}
