package io.syncboot.autoconfigure.client;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the application configures a client: {@code sync.server-url} or at least one
 * session under {@code sync.sessions}.
 */
class SyncClientCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		if (context.getEnvironment().containsProperty("sync.server-url")) {
			return ConditionOutcome.match("sync.server-url is set");
		}
		if (!SyncClientCondition.sessionNames(Binder.get(context.getEnvironment())).isEmpty()) {
			return ConditionOutcome.match("sync.sessions is configured");
		}
		return ConditionOutcome.noMatch("neither sync.server-url nor sync.sessions is set");
	}

	/**
	 * The names configured under {@code sync.sessions}, in order: the map's own keys, so that a name
	 * with a dot, written in brackets ({@code sync.sessions.[store-42.orders].partition}), stays whole.
	 */
	static Set<String> sessionNames(Binder binder) {
		Map<String, Object> sessions = binder.bind("sync.sessions", Bindable.mapOf(String.class, Object.class))
			.orElse(Map.of());
		return new LinkedHashSet<>(sessions.keySet());
	}

}
