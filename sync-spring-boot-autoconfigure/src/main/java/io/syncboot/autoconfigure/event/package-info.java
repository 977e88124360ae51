/**
 * Spring application events published for the auto-configured sync sessions, each carrying the
 * session's name.
 */
@NullMarked
package io.syncboot.autoconfigure.event;

import org.jspecify.annotations.NullMarked;
