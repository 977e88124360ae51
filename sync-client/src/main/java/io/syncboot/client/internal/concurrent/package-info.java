/**
 * Threads of the engine: event loop, serial task threads and their names. Internal API; may change without notice.
 */
@NullMarked
package io.syncboot.client.internal.concurrent;

import org.jspecify.annotations.NullMarked;
