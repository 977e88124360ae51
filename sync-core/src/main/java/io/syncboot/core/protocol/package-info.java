/**
 * The wire protocol: one immutable record per message kind, error codes and the actions they ask
 * of a client. See {@code docs/protocol.md}.
 */
@NullMarked
package io.syncboot.core.protocol;

import org.jspecify.annotations.NullMarked;
