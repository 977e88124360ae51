/**
 * Internal API; may change without notice. The server's named threads, serial task queues and store executors.
 */
@NullMarked
package io.syncboot.server.internal.concurrent;

import org.jspecify.annotations.NullMarked;
