package io.syncboot.benchmarks;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The row order of P6: the S8 document ids ({@code "d-" + n}) in the key order a snapshot sends them.
 */
class PhysicalLimitsTests {

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 9, 10, 11, 99, 100, 101, 1000, 12_345, 100_000 })
	void numbersComeInTheOrderOfTheirTexts(int count) {
		String[] sorted = IntStream.range(0, count).mapToObj(n -> "d-" + n).toArray(String[]::new);
		Arrays.sort(sorted);
		String[] ordered = Arrays.stream(PhysicalLimits.inTextOrder(count)).mapToObj(n -> "d-" + n).toArray(String[]::new);
		assertThat(ordered).containsExactly(sorted);
	}

}
