/**
 * Upload and download progress of a session and its progress notifications. Internal API; may change without notice.
 */
@NullMarked
package io.syncboot.client.internal.progress;

import org.jspecify.annotations.NullMarked;
