package io.syncboot.client.internal.store;

/**
 * The upload byte counters of an open local file, as of one commit. Immutable.
 *
 * @param sequence increases with every commit that changed the counters, to order snapshots
 * @param acknowledged the bytes of local changesets acknowledged by the server since the file was opened
 * @param pending the bytes of the local changesets not acknowledged yet (the outbox)
 */
public record UploadCounters(long sequence, long acknowledged, long pending) {
}
