package io.syncboot.it;

import java.util.Map;
import java.util.TreeMap;

import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.merge.ReplicaState;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.server.store.ChangesetBatch;
import io.syncboot.server.store.SnapshotBatch;
import io.syncboot.server.store.HistoryStore;

/**
 * What a server's store holds for one partition, read for the convergence suites: the reference
 * model that applies every changeset the server integrated (and so acknowledged) with the merge
 * rules, in server version order, and the document states the server stored.
 *
 * <p>Reads through the store it is given, on the calling thread; store failures propagate.
 */
final class ServerPartition {

	private final HistoryStore store;

	private final String partition;

	ServerPartition(HistoryStore store, String partition) {
		this.store = store;
		this.partition = partition;
	}

	/** Applies every changeset the server integrated for the partition, in server version order. */
	ReplicaState referenceModel() {
		ReplicaState model = new ReplicaState();
		long latest = this.store.latestVersion(this.partition);
		long after = 0;
		while (after < latest) {
			ChangesetBatch batch = this.store.changesetsAfter(this.partition, after, 0, 1 << 20);
			for (ServerChangeset changeset : batch.changesets()) {
				model.apply(changeset);
			}
			after = batch.scannedVersion();
		}
		return model;
	}

	/** The number of changesets the server integrated for the partition. */
	long integratedChangesets() {
		return this.store.latestVersion(this.partition);
	}

	/** The document states the server stored for the partition, by key. */
	Map<DocumentKey, DocumentState> storedStates() {
		Map<DocumentKey, DocumentState> states = new TreeMap<>();
		DocumentKey next = null;
		do {
			SnapshotBatch batch = this.store.snapshot(this.partition, next, 1 << 20);
			batch.documents().forEach(state -> states.put(state.key(), state));
			next = batch.nextKey();
		}
		while (next != null);
		return states;
	}

	/** The visible documents of a model, by id (the collection is the suites' only one). */
	static Map<String, Map<String, Object>> visibleById(ReplicaState model) {
		Map<String, Map<String, Object>> documents = new TreeMap<>();
		model.visibleDocuments().forEach((key, fields) -> documents.put(key.id(), fields));
		return documents;
	}

}
