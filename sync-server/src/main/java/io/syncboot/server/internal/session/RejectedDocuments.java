package io.syncboot.server.internal.session;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.core.protocol.SyncProtocol;

/**
 * The {@code documents} of a {@code WRITE_REJECTED} error: every document a rejected upload touched,
 * as {@code collection/id}, in first-touch order, at most {@value #MAX_DOCUMENTS}. Stateless.
 */
final class RejectedDocuments {

	static final int MAX_DOCUMENTS = 1000;

	private RejectedDocuments() {
	}

	static List<String> of(List<Changeset> changesets) {
		Set<String> documents = new LinkedHashSet<>();
		for (Changeset changeset : changesets) {
			for (Operation operation : changeset.operations()) {
				if (documents.size() >= MAX_DOCUMENTS) {
					return new ArrayList<>(documents);
				}
				documents.add(operation.collection() + "/" + operation.id());
			}
		}
		return new ArrayList<>(documents);
	}

	/** The message of a rejection of changesets that would have grown a document past the limit. */
	static String tooLargeMessage(String partition, List<String> documents) {
		return "a write to partition '" + partition + "' would have made a document larger than "
				+ SyncProtocol.MAX_DOCUMENT_STATE_BYTES + " bytes, more than a download can carry: it was rejected and "
				+ documents.size() + (documents.size() >= MAX_DOCUMENTS ? " or more" : "")
				+ " document(s) reverted by compensating changes";
	}

	static String message(String user, String partition, List<String> documents) {
		return "user '" + user + "' may not write partition '" + partition + "': the write was rejected and "
				+ documents.size() + (documents.size() >= MAX_DOCUMENTS ? " or more" : "")
				+ " document(s) reverted by compensating changes";
	}

}
