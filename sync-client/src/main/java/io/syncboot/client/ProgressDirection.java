package io.syncboot.client;

/**
 * Which transfer a progress notification follows (see
 * {@link SyncSession#addProgressNotification(ProgressDirection, ProgressMode, ProgressListener)}).
 */
public enum ProgressDirection {

	/** Local changesets going to the server: transferable = every committed one, transferred = acknowledged. */
	UPLOAD,
	/** Server changesets coming in: transferable = downloaded plus what the server says remains. */
	DOWNLOAD

}
