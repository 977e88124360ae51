/**
 * The {@code sync} and {@code syncserver} actuator endpoints and their auto-configuration.
 */
@NullMarked
package io.syncboot.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
