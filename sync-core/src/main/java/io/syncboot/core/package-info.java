/**
 * SyncBoot core: the data model, merge rules and wire protocol shared by client and server.
 * No Spring, no I/O, no threads.
 */
@NullMarked
package io.syncboot.core;

import org.jspecify.annotations.NullMarked;
