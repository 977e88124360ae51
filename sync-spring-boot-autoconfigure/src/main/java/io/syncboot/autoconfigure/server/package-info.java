/**
 * Auto-configuration of an embedded SyncBoot server in a Spring Boot web application: properties
 * under {@code sync.server.*} and the WebSocket endpoint.
 */
@NullMarked
package io.syncboot.autoconfigure.server;

import org.jspecify.annotations.NullMarked;
