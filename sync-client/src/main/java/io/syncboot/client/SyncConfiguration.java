package io.syncboot.client;

import io.syncboot.core.model.Names;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link SyncDatabase} syncs and how: the user, the partition, the stop policy, the client
 * reset mode and the error handler. Immutable; build with {@link #builder(SyncUser, String)}.
 */
public final class SyncConfiguration {

	private final SyncUser user;

	private final String partition;

	private final StopPolicy stopPolicy;

	private final ClientResetMode clientResetMode;

	private final @Nullable SyncErrorHandler errorHandler;

	private final @Nullable ClientResetListener beforeClientReset;

	private final @Nullable ClientResetListener afterClientReset;

	private SyncConfiguration(Builder builder) {
		this.beforeClientReset = builder.beforeClientReset;
		this.afterClientReset = builder.afterClientReset;
		this.user = builder.user;
		this.partition = builder.partition;
		this.stopPolicy = builder.stopPolicy;
		this.clientResetMode = builder.clientResetMode;
		this.errorHandler = builder.errorHandler;
	}

	/**
	 * A builder for a user and a partition.
	 * @throws IllegalArgumentException if {@code user} is null or {@code partition} breaks the
	 * partition naming rules (1 to 256 of {@code A-Z a-z 0-9 . _ : @ + = | -}, no {@code ..})
	 */
	public static Builder builder(SyncUser user, String partition) {
		return new Builder(Arguments.notNull(user, "user"), Names.partition(partition));
	}

	/** The user that owns the database. */
	public SyncUser user() {
		return this.user;
	}

	/** The partition the database syncs. */
	public String partition() {
		return this.partition;
	}

	/** What the session does when the database closes (default {@link StopPolicy#AFTER_CHANGES_UPLOADED}). */
	public StopPolicy stopPolicy() {
		return this.stopPolicy;
	}

	/** How a client reset is handled (default {@link ClientResetMode#RECOVER_OR_DISCARD}). */
	public ClientResetMode clientResetMode() {
		return this.clientResetMode;
	}

	/** The handler of reported errors; {@code null} means errors are only logged. */
	public @Nullable SyncErrorHandler errorHandler() {
		return this.errorHandler;
	}

	/** Called before an automatic client reset changes the local file; {@code null} if none. */
	public @Nullable ClientResetListener beforeClientReset() {
		return this.beforeClientReset;
	}

	/** Called once an automatic client reset is complete; {@code null} if none. */
	public @Nullable ClientResetListener afterClientReset() {
		return this.afterClientReset;
	}

	@Override
	public String toString() {
		return "SyncConfiguration{user=" + this.user.id() + ", partition=" + this.partition + ", stopPolicy="
				+ this.stopPolicy + ", clientResetMode=" + this.clientResetMode + "}";
	}

	/** Builds a {@link SyncConfiguration}. Not thread-safe. */
	public static final class Builder {

		private final SyncUser user;

		private final String partition;

		private StopPolicy stopPolicy = StopPolicy.AFTER_CHANGES_UPLOADED;

		private ClientResetMode clientResetMode = ClientResetMode.RECOVER_OR_DISCARD;

		private @Nullable SyncErrorHandler errorHandler;

		private @Nullable ClientResetListener beforeClientReset;

		private @Nullable ClientResetListener afterClientReset;

		private Builder(SyncUser user, String partition) {
			this.user = user;
			this.partition = partition;
		}

		/** What the session does when the database closes. */
		public Builder stopPolicy(StopPolicy stopPolicy) {
			this.stopPolicy = Arguments.notNull(stopPolicy, "stopPolicy");
			return this;
		}

		/** How a client reset is handled. */
		public Builder clientResetMode(ClientResetMode clientResetMode) {
			this.clientResetMode = Arguments.notNull(clientResetMode, "clientResetMode");
			return this;
		}

		/** The handler of reported errors; it runs on the manager's notification thread. */
		public Builder errorHandler(SyncErrorHandler errorHandler) {
			this.errorHandler = Arguments.notNull(errorHandler, "errorHandler");
			return this;
		}

		/**
		 * Called before an automatic client reset changes the local file, with a snapshot of the
		 * local state (unsynced changes included) as both arguments. Runs on the notification thread.
		 */
		public Builder beforeClientReset(ClientResetListener listener) {
			this.beforeClientReset = Arguments.notNull(listener, "listener");
			return this;
		}

		/**
		 * Called once an automatic client reset is complete (the fresh state downloaded and, when
		 * recovering, the unsynced changes re-applied), with snapshots of the state before and after.
		 * Runs on the notification thread.
		 */
		public Builder afterClientReset(ClientResetListener listener) {
			this.afterClientReset = Arguments.notNull(listener, "listener");
			return this;
		}

		/** The configuration. */
		public SyncConfiguration build() {
			return new SyncConfiguration(this);
		}

	}

}
