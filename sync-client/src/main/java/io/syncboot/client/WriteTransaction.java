package io.syncboot.client;

/**
 * The scope of one {@link SyncDatabase#write} block: every change made through the collections it
 * returns commits together as one changeset, or not at all if the block throws. Valid only inside
 * the block and on the thread running it. Reads through these collections see the committed state,
 * not the block's own pending changes, except that {@link SyncCollection#update} accepts documents
 * the block created.
 */
public interface WriteTransaction {

	/**
	 * A collection whose writes join this transaction.
	 * @throws IllegalArgumentException if the name breaks the collection naming rules
	 * @throws IllegalStateException if the block has ended
	 */
	SyncCollection collection(String name);

}
