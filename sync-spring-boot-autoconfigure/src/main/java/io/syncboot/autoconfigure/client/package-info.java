/**
 * Auto-configuration of the SyncBoot client: properties under {@code sync.*} and the
 * {@link io.syncboot.client.SyncManager} bean.
 */
@NullMarked
package io.syncboot.autoconfigure.client;

import org.jspecify.annotations.NullMarked;
