/**
 * Auto-configuration of the SyncBoot client: properties under {@code sync.*}, the
 * {@link io.syncboot.client.SyncManager}, the named sessions and their lifecycle.
 */
@NullMarked
package io.syncboot.autoconfigure.client;

import org.jspecify.annotations.NullMarked;
