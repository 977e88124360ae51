/**
 * JMH micro-benchmarks of the hot paths: the codec, the merge rules and the outbox write. Run with
 * {@code java -jar benchmarks/target/syncboot-benchmarks.jar jmh}.
 */
@NullMarked
package io.syncboot.benchmarks.jmh;

import org.jspecify.annotations.NullMarked;
