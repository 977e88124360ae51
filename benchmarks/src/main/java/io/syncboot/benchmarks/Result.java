package io.syncboot.benchmarks;

/**
 * One measured value of one metric in one round.
 *
 * @param metric the metric's name, for example {@code P3.commits/s} or {@code S1.p50}
 * @param value the value
 * @param unit the unit of the value
 */
record Result(String metric, double value, String unit) {
}
