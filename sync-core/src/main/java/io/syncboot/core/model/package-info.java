/**
 * Documents, operations, changesets, stamps and the hybrid logical clock. Immutable values,
 * safe to share between threads.
 */
@NullMarked
package io.syncboot.core.model;

import org.jspecify.annotations.NullMarked;
