/**
 * Internal API; may change without notice. Protocol sessions (one per bind) and the per-partition hubs
 * that fan committed changes out to them.
 */
@NullMarked
package io.syncboot.server.internal.session;

import org.jspecify.annotations.NullMarked;
