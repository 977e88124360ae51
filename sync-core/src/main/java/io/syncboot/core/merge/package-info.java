/**
 * The merge rules: last-writer-wins registers per field and per document existence, keyed by
 * {@link io.syncboot.core.model.Stamp}. Deterministic and order-independent. Mutable state
 * objects here are not thread-safe; their owner confines them.
 */
@NullMarked
package io.syncboot.core.merge;

import org.jspecify.annotations.NullMarked;
