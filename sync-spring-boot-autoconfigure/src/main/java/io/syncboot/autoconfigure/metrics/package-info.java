/**
 * Micrometer metrics of the sync client and server, and their auto-configuration.
 */
@NullMarked
package io.syncboot.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
