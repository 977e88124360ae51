package io.syncboot.core.model;

/**
 * The address of a document in a partition: collection and id. Immutable.
 */
public record DocumentKey(String collection, String id) implements Comparable<DocumentKey> {

	public DocumentKey {
		Names.collection(collection);
		Names.id(id);
	}

	@Override
	public int compareTo(DocumentKey other) {
		int byCollection = this.collection.compareTo(other.collection);
		return (byCollection != 0) ? byCollection : this.id.compareTo(other.id);
	}

	@Override
	public String toString() {
		return this.collection + "/" + this.id;
	}

}
