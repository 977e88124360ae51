/**
 * Internal API; may change without notice. The WebSocket transport: handler, per-connection inbound
 * assembly and dispatch, and the bounded, non-blocking outbound queue.
 */
@NullMarked
package io.syncboot.server.internal.transport;

import org.jspecify.annotations.NullMarked;
