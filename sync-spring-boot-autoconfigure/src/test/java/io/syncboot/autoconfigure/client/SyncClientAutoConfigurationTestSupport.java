package io.syncboot.autoconfigure.client;

import org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared assertions of the auto-configuration tests.
 */
public final class SyncClientAutoConfigurationTestSupport {

	private SyncClientAutoConfigurationTestSupport() {
	}

	/** Asserts that the context failed to start with a message chain that contains every fragment. */
	public static void assertFailure(ApplicationContextAssertProvider<?> context, String... fragments) {
		assertThat(context).hasFailed();
		StringBuilder messages = new StringBuilder();
		for (Throwable ex = context.getStartupFailure(); ex != null; ex = ex.getCause()) {
			messages.append(ex.getMessage()).append('\n');
		}
		assertThat(messages.toString()).contains(fragments);
	}

}
