package io.syncboot.client.internal.store;

/**
 * What a write of {@link SqliteStore} staged in its running transaction: the result (with the
 * metadata after it) and the upload counters after it, which {@link SqliteStore} publishes once the
 * transaction commits. Immutable.
 *
 * @param result the result of the write
 * @param counters the upload counters after the write (the ones before it if it did not change them)
 */
record StagedCommit(CommitResult result, UploadCounters counters) {
}
