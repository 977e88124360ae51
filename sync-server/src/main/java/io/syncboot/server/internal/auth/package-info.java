/**
 * Internal API; may change without notice. Authentication of WebSocket handshakes with JWT bearer
 * tokens (Spring Security's {@code JwtDecoder}), the API-key token endpoint, and the principal a
 * connection carries. The only place that uses Spring Security.
 */
@NullMarked
package io.syncboot.server.internal.auth;

import org.jspecify.annotations.NullMarked;
