/**
 * WebSocket connections, multiplexed sessions on them, backoff and keepalive. Internal API; may change without notice.
 */
@NullMarked
package io.syncboot.client.internal.connection;

import org.jspecify.annotations.NullMarked;
