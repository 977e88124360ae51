/**
 * The history store SPI: the server's durable record of client files, changesets and document states.
 * Implementations are thread-safe; every method's contract is in {@link io.syncboot.server.store.HistoryStore}.
 */
@NullMarked
package io.syncboot.server.store;

import org.jspecify.annotations.NullMarked;
