/**
 * Internal API; may change without notice. The embedded Tomcat and Spring MVC bootstrap of the standalone server.
 */
@NullMarked
package io.syncboot.server.internal.embedded;

import org.jspecify.annotations.NullMarked;
