/**
 * The code samples of the documentation ({@code docs/*.md} and {@code README.md}), as compiled and
 * tested code; {@link io.syncboot.docs.DocumentationSamplesTests} checks that every sample in the
 * documents appears here.
 */
@NullMarked
package io.syncboot.docs;

import org.jspecify.annotations.NullMarked;
