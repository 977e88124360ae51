package io.syncboot.client.internal.store;

/**
 * The sync metadata of a local file, as committed. Immutable.
 *
 * @param clientFileId the server-allocated client file id, 0 until allocated
 * @param fileSalt the salt of the client file id, 0 until allocated
 * @param serverSalt the salt of the server history this file follows, 0 before the first ident
 * @param downloadCursor the server version up to which downloads are applied
 * @param downloadSalt the salt the server sent with the download that moved the cursor there (the
 * identity of its history entry at that version; see {@code SyncMessage.Download.serverVersionSalt}),
 * sent back in the ident; 0 if unknown (cursor 0, a file written before salts were stored, or a
 * server that sent none), which the server does not check
 * @param uploadAck the greatest client version the server acknowledged
 * @param nextClientVersion the client version the next local changeset gets
 * @param lastHlc the greatest hybrid logical clock value issued or observed
 */
public record StoreMeta(long clientFileId, long fileSalt, long serverSalt, long downloadCursor, long downloadSalt,
		long uploadAck, long nextClientVersion, long lastHlc) {

	/** The client version of the last local changeset committed, 0 if none. */
	public long lastCommittedClientVersion() {
		return this.nextClientVersion - 1;
	}

	/** Whether every committed local changeset has been acknowledged. */
	public boolean allUploaded() {
		return this.uploadAck >= lastCommittedClientVersion();
	}

}
