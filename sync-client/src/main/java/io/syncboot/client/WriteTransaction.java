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

	/**
	 * A collection whose documents are mapped to objects of {@code type} (see
	 * {@link TypedCollection}) and whose writes join this transaction, together with those of
	 * untyped collections.
	 * @param <T> the type documents are mapped to
	 * @throws IllegalArgumentException if the name breaks the collection naming rules, or
	 * {@code type} is null or cannot map to a document (see {@link SyncDatabase#collection(String, Class)})
	 * @throws IllegalStateException if the block has ended
	 */
	<T> TypedCollection<T> collection(String name, Class<T> type);

}
