/**
 * JMH micro-benchmarks of the hot paths: the codec and the merge rules. Run with
 * {@code java -jar benchmarks/target/syncboot-benchmarks.jar jmh}.
 */
@NullMarked
package io.syncboot.benchmarks.jmh;

import org.jspecify.annotations.NullMarked;
