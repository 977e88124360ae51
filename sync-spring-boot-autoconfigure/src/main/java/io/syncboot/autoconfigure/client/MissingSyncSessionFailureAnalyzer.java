package io.syncboot.autoconfigure.client;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncSession;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InjectionPoint;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.UnsatisfiedDependencyException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.analyzer.AbstractInjectionFailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.Environment;

/**
 * Explains a missing {@link SyncDatabase} or {@link SyncSession} bean: such beans exist once per
 * {@code sync.sessions.<name>}, so the analysis names the key to set, the sessions that are
 * configured and any {@code sync.*} property that mentions the wanted name outside
 * {@code sync.sessions} (a misspelt key). Ordered before Spring Boot's generic analyzer of
 * missing beans. A session that is configured but whose beans are missing (the client is not
 * auto-configured) is left to that analyzer, which reports the conditions.
 */
class MissingSyncSessionFailureAnalyzer extends AbstractInjectionFailureAnalyzer<NoSuchBeanDefinitionException>
		implements Ordered {

	private static final ConfigurationPropertyName SYNC = ConfigurationPropertyName.of("sync");

	private static final ConfigurationPropertyName SESSIONS = ConfigurationPropertyName.of("sync.sessions");

	private final Environment environment;

	MissingSyncSessionFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause,
			@Nullable String description) {
		ResolvableType resolvable = cause.getResolvableType();
		Class<?> type = (resolvable != null) ? resolvable.resolve() : cause.getBeanType();
		if (type != SyncDatabase.class && type != SyncSession.class) {
			return null;
		}
		String qualifier = qualifier(innermostUnsatisfiedDependency(rootFailure));
		Set<String> sessions = sessionNames();
		if (qualifier != null && sessions.contains(qualifier)) {
			return null;
		}
		String configured = sessions.isEmpty() ? "none" : String.join(", ", sessions);
		String wanted = (qualifier != null) ? "a " + type.getSimpleName() + " bean qualified '" + qualifier + "'"
				: "a " + type.getSimpleName() + " bean";
		StringBuilder message = new StringBuilder();
		message.append((description != null) ? description : "A component").append(" required ").append(wanted)
			.append(", but ");
		if (qualifier != null) {
			message.append("no SyncBoot session named '").append(qualifier).append("' is configured");
		}
		else {
			message.append("no SyncBoot session is configured");
		}
		message.append(".\n\nConfigured sessions (sync.sessions): ").append(configured).append('.');
		if (qualifier != null) {
			Set<String> misspelt = propertiesMentioning(qualifier);
			if (!misspelt.isEmpty()) {
				message.append("\n\nThese properties mention '").append(qualifier)
					.append("' but are not under sync.sessions: ").append(String.join(", ", misspelt)).append('.');
			}
		}
		String name = (qualifier != null) ? qualifier : "<name>";
		StringBuilder action = new StringBuilder();
		action.append("Set sync.sessions.").append(name).append(".partition to the partition the session syncs");
		if (!Binder.get(this.environment).bind("sync.server-url", String.class).isBound()) {
			action.append(", and sync.server-url to the server's WebSocket URL");
		}
		action.append(". Each entry of sync.sessions becomes a SyncDatabase and a SyncSession bean qualified by its name");
		if (qualifier == null) {
			action.append(": inject them with @Qualifier(\"<name>\")");
		}
		else if (!sessions.isEmpty()) {
			action.append(", so @Qualifier may also name one of the configured sessions");
		}
		action.append('.');
		return new FailureAnalysis(message.toString(), action.toString(), cause);
	}

	/** The dependency that could not be met: the innermost of a chain (controller, service, database). */
	private static @Nullable UnsatisfiedDependencyException innermostUnsatisfiedDependency(Throwable failure) {
		UnsatisfiedDependencyException innermost = null;
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() == cause) ? null : cause.getCause()) {
			if (cause instanceof UnsatisfiedDependencyException unsatisfied) {
				innermost = unsatisfied;
			}
		}
		return innermost;
	}

	private static @Nullable String qualifier(@Nullable UnsatisfiedDependencyException failure) {
		InjectionPoint injectionPoint = (failure != null) ? failure.getInjectionPoint() : null;
		if (injectionPoint == null) {
			return null;
		}
		MergedAnnotation<Qualifier> qualifier = MergedAnnotations.from(injectionPoint.getAnnotations())
			.get(Qualifier.class);
		if (!qualifier.isPresent()) {
			return null;
		}
		String value = qualifier.getString("value");
		return value.isEmpty() ? null : value;
	}

	private Set<String> sessionNames() {
		try {
			Map<String, Object> sessions = Binder.get(this.environment)
				.bind(SESSIONS, Bindable.mapOf(String.class, Object.class))
				.orElse(Collections.emptyMap());
			return new TreeSet<>(sessions.keySet());
		}
		catch (RuntimeException ex) {
			return Collections.emptySet();
		}
	}

	/**
	 * The {@code sync.*} properties outside {@code sync.sessions} with an element that is the name,
	 * compared as Spring Boot's relaxed binding does (case, dashes and underscores aside).
	 */
	private Set<String> propertiesMentioning(String name) {
		String wanted = uniform(name);
		Set<String> found = new TreeSet<>();
		if (wanted.isEmpty()) {
			return found;
		}
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.stream()
					.filter(property -> SYNC.isAncestorOf(property) && !SESSIONS.isAncestorOf(property))
					.filter(property -> mentions(property, wanted))
					.forEach(property -> found.add(property.toString()));
			}
		}
		return found;
	}

	private static boolean mentions(ConfigurationPropertyName property, String wanted) {
		for (int i = 1; i < property.getNumberOfElements(); i++) {
			if (uniform(property.getElement(i, ConfigurationPropertyName.Form.ORIGINAL)).equals(wanted)) {
				return true;
			}
		}
		return false;
	}

	private static String uniform(String name) {
		return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
	}

}
