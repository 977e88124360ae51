/**
 * The local SQLite store: documents, outbox and sync metadata; the only user of java.sql. Internal API; may change without notice.
 */
@NullMarked
package io.syncboot.client.internal.store;

import org.jspecify.annotations.NullMarked;
