/**
 * The SyncBoot sync server: {@link io.syncboot.server.SyncServer} to run it standalone or embedded, and
 * {@link io.syncboot.server.SyncServerEngine} to mount its WebSocket endpoint in any Spring web application.
 */
@NullMarked
package io.syncboot.server;

import org.jspecify.annotations.NullMarked;
