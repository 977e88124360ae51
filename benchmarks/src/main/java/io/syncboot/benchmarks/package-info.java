/**
 * The SyncBoot benchmark driver: physical limits and sync metrics measured in interleaved rounds,
 * each metric reported as a ratio to the limit it is judged against.
 */
@NullMarked
package io.syncboot.benchmarks;

import org.jspecify.annotations.NullMarked;
