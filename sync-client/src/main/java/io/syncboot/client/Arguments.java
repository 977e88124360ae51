package io.syncboot.client;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Argument checks of the public API; each failure names the value and the rule.
 */
final class Arguments {

	private Arguments() {
	}

	static <T> T notNull(@Nullable T value, String name) {
		if (value == null) {
			throw new IllegalArgumentException(name + " must not be null");
		}
		return value;
	}

	/** The longest duration a setting takes: a year (longer ones overflow the timers' nanoseconds). */
	static final Duration MAX_SETTING = Duration.ofDays(365);

	static Duration positive(@Nullable Duration value, String name) {
		notNull(value, name);
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
		return atMostAYear(value, name);
	}

	static Duration atMostAYear(Duration value, String name) {
		if (value.compareTo(MAX_SETTING) > 0) {
			throw new IllegalArgumentException(name + " must be at most " + MAX_SETTING.toDays() + " days, was " + value);
		}
		return value;
	}

}
