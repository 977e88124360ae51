/**
 * The JSON codec (Jackson 3) for protocol messages, operations and document states. The only
 * package of the core that touches Jackson.
 */
@NullMarked
package io.syncboot.core.codec;

import org.jspecify.annotations.NullMarked;
