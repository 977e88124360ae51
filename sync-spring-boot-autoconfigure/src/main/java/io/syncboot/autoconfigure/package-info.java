/**
 * Spring Boot auto-configuration for SyncBoot.
 */
@NullMarked
package io.syncboot.autoconfigure;

import org.jspecify.annotations.NullMarked;
