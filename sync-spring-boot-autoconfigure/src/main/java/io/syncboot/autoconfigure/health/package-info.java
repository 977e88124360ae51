/**
 * The {@code sync} health contributor and its auto-configuration.
 */
@NullMarked
package io.syncboot.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
