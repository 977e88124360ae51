/**
 * The SyncBoot demo application.
 */
@NullMarked
package io.syncboot.demo;

import org.jspecify.annotations.NullMarked;
