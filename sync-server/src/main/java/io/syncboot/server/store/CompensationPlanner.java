package io.syncboot.server.store;

import java.util.List;
import java.util.Map;

import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.DocumentKey;
import io.syncboot.core.model.Operation;

/**
 * Plans the compensating writes of a rejected upload (or of one changeset rejected for a document's
 * size): the server's own operations that, merged on top of the rejected writes anywhere, restore
 * the server's state of every document they touched. Called by {@link HistoryStore#reject} and
 * {@link HistoryStore#integrate(String, long, java.util.List, CompensationPlanner)} inside their
 * transaction, on the store's writer; an exception it throws fails that write (nothing is written).
 */
@FunctionalInterface
public interface CompensationPlanner {

	/**
	 * @param rejected the changesets being rejected (those not handled before), in client version order
	 * @param current the server's current state of every document they touch (a never-written document
	 * is an empty, absent state), read-only
	 * @return the operations, with strictly increasing timestamps greater than every stamp of the
	 * rejected changesets and of {@code current}; empty if nothing needs restoring
	 */
	List<Operation> plan(List<Changeset> rejected, Map<DocumentKey, DocumentState> current);

}
