package io.syncboot.server.internal.auth;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Who a connection belongs to: the subject and claims of its verified token, or nobody (an
 * anonymous connection on a server that allows them). Immutable.
 *
 * @param subject the token's subject, {@code null} when anonymous
 * @param claims the token's claims, unmodifiable (empty when anonymous)
 * @param expiresAt when the token expires ({@code null}: never, or anonymous)
 */
public record SyncPrincipal(@Nullable String subject, Map<String, Object> claims, @Nullable Instant expiresAt) {

	private static final SyncPrincipal ANONYMOUS = new SyncPrincipal(null, Map.of(), null);

	public SyncPrincipal {
		claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
	}

	/** The principal of an anonymous connection. */
	public static SyncPrincipal anonymous() {
		return ANONYMOUS;
	}

	/** Whether the connection presented no verified token. */
	public boolean isAnonymous() {
		return this.subject == null;
	}

	/** The subject, or {@code "anonymous"}, for logs. */
	public String name() {
		String current = this.subject;
		return (current != null) ? current : "anonymous";
	}

}
