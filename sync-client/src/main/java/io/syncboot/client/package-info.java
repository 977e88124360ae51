/**
 * The SyncBoot client API: a {@link io.syncboot.client.SyncManager} logs users in and opens local
 * databases ({@link io.syncboot.client.SyncDatabase}) whose changes a
 * {@link io.syncboot.client.SyncSession} keeps in sync with a SyncBoot server over WebSocket.
 * Every user callback runs on the manager's notification thread ({@code syncboot-notify-N}), never
 * on a network or engine thread.
 */
@NullMarked
package io.syncboot.client;

import org.jspecify.annotations.NullMarked;
