package io.syncboot.client.internal;

import java.util.Optional;

import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncUser;
import io.syncboot.client.SyncUserState;

/**
 * A logged-in user of a {@link DefaultSyncManager}. Thread-safe.
 */
final class DefaultSyncUser implements SyncUser {

	private final String id;

	private final DefaultSyncManager manager;

	private volatile SyncCredentials credentials;

	private volatile SyncUserState state = SyncUserState.LOGGED_IN;

	DefaultSyncUser(String id, SyncCredentials credentials, DefaultSyncManager manager) {
		this.id = id;
		this.credentials = credentials;
		this.manager = manager;
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public SyncUserState state() {
		return this.state;
	}

	@Override
	public void logOut() {
		if (this.state != SyncUserState.LOGGED_IN) {
			return;
		}
		this.state = SyncUserState.LOGGED_OUT;
		this.manager.loggedOut(this);
	}

	void loggedIn(SyncCredentials newCredentials) {
		this.credentials = newCredentials;
		this.state = SyncUserState.LOGGED_IN;
	}

	DefaultSyncManager manager() {
		return this.manager;
	}

	/** The token to present on the next connection attempt. */
	Optional<String> accessToken() {
		return this.credentials.accessToken();
	}

	@Override
	public String toString() {
		return "SyncUser{" + this.id + ", " + this.state + "}";
	}

}
