/**
 * Test support: an in-JVM sync server for {@code @SpringBootTest}.
 */
@NullMarked
package io.syncboot.autoconfigure.test;

import org.jspecify.annotations.NullMarked;
