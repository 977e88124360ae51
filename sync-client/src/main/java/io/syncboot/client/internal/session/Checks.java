package io.syncboot.client.internal.session;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Argument checks of the handles; each failure names the value and the rule.
 */
final class Checks {

	private Checks() {
	}

	static <T> T notNull(@Nullable T value, String name) {
		if (value == null) {
			throw new IllegalArgumentException(name + " must not be null");
		}
		return value;
	}

	static Duration positive(@Nullable Duration value, String name) {
		notNull(value, name);
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
		return value;
	}

}
