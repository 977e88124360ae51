/**
 * Sync sessions: the application-facing state machine and the protocol session on the loop. Internal API; may change without notice.
 */
@NullMarked
package io.syncboot.client.internal.session;

import org.jspecify.annotations.NullMarked;
