/**
 * The client engine: manager, users, databases. Internal API; may change without notice.
 */
@NullMarked
package io.syncboot.client.internal;

import org.jspecify.annotations.NullMarked;
