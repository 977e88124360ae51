package io.syncboot.core.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JsonValuesTests {

	@Test
	void keepsTheJsonDomainAsItIs() {
		assertThat(JsonValues.normalize(null)).isNull();
		assertThat(JsonValues.normalize(true)).isEqualTo(true);
		assertThat(JsonValues.normalize("text")).isEqualTo("text");
		assertThat(JsonValues.normalize(Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
		assertThat(JsonValues.normalize(-0.0)).isEqualTo(-0.0);
		assertThat(JsonValues.normalize(Double.MAX_VALUE)).isEqualTo(Double.MAX_VALUE);
	}

	@Test
	void widensIntegralTypesToLong() {
		assertThat(JsonValues.normalize(42)).isEqualTo(42L).isInstanceOf(Long.class);
		assertThat(JsonValues.normalize((short) -7)).isEqualTo(-7L).isInstanceOf(Long.class);
		assertThat(JsonValues.normalize((byte) 5)).isEqualTo(5L).isInstanceOf(Long.class);
		assertThat(JsonValues.normalize(BigInteger.valueOf(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
		assertThat(JsonValues.normalize(BigInteger.valueOf(Long.MIN_VALUE))).isEqualTo(Long.MIN_VALUE);
	}

	@Test
	void widensFloatToDouble() {
		assertThat(JsonValues.normalize(1.5f)).isEqualTo(1.5d).isInstanceOf(Double.class);
		assertThat(JsonValues.normalize(Float.MAX_VALUE)).isEqualTo((double) Float.MAX_VALUE);
	}

	@Test
	void normalizesNestedValuesIntoUnmodifiableCopies() {
		Map<String, Object> inner = new HashMap<>();
		inner.put("n", 1);
		inner.put("f", 2.5f);
		inner.put("nothing", null);
		List<Object> list = new ArrayList<>(Arrays.asList(1, "two", inner, List.of((short) 3)));
		Map<String, Object> outer = new LinkedHashMap<>();
		outer.put("list", list);

		Object normalized = JsonValues.normalize(outer);

		Map<String, Object> expectedInner = new HashMap<>();
		expectedInner.put("n", 1L);
		expectedInner.put("f", 2.5d);
		expectedInner.put("nothing", null);
		assertThat(normalized).isEqualTo(Map.of("list", List.of(1L, "two", expectedInner, List.of(3L))));

		// a copy: later changes of the input do not show
		list.add("later");
		inner.put("n", 99);
		assertThat(normalized).isEqualTo(Map.of("list", List.of(1L, "two", expectedInner, List.of(3L))));

		@SuppressWarnings("unchecked")
		Map<String, Object> map = (Map<String, Object>) normalized;
		@SuppressWarnings("unchecked")
		List<Object> normalizedList = (List<Object>) map.get("list");
		@SuppressWarnings("unchecked")
		Map<String, Object> normalizedInner = (Map<String, Object>) normalizedList.get(2);
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> map.put("x", 1L));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> normalizedList.add(1L));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> normalizedInner.clear());
	}

	@Test
	void normalizesFieldMapsAndChecksTheirNames() {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("b", 1);
		fields.put("a", List.of(1.5f));
		Map<String, Object> normalized = JsonValues.normalizeFields(fields);
		assertThat(normalized).containsExactly(Map.entry("b", 1L), Map.entry("a", List.of(1.5d)));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> normalized.put("c", 1L));

		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalizeFields(null))
			.withMessageContaining("fields must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalizeFields(Map.of("", 1)))
			.withMessageContaining("field name");
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalizeFields(Map.of("a\nb", 1)))
			.withMessageContaining("control character");
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalizeFields(Map.of("x".repeat(257), 1)))
			.withMessageContaining("256");
		assertThat(JsonValues.normalizeFields(Map.of("x".repeat(256), 1))).hasSize(1);
	}

	@Test
	@SuppressWarnings({ "unchecked", "rawtypes" })
	void fieldMapsWithNonStringKeysAreRejectedWithAClearMessage() {
		Map raw = new HashMap();
		raw.put(7, "x");
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalizeFields(raw))
			.withMessageContaining("7");
	}

	@Test
	void rejectsNonFiniteNumbers() {
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalize(Double.NaN))
			.withMessageContaining("not finite");
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalize(Double.POSITIVE_INFINITY))
			.withMessageContaining("not finite");
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalize(Float.NEGATIVE_INFINITY))
			.withMessageContaining("not finite");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> JsonValues.normalizeFields(Map.of("score", List.of(1.0, Float.NaN))))
			.withMessageContaining("score[1]");
	}

	@Test
	void rejectsIntegersBeyond64Bits() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> JsonValues.normalize(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE)))
			.withMessageContaining("does not fit in a long");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> JsonValues.normalize(BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.ONE)))
			.withMessageContaining("does not fit in a long");
	}

	@Test
	void rejectsUnsupportedTypesNamingThePathAndType() {
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalize(new BigDecimal("1.5")))
			.withMessageContaining("java.math.BigDecimal");
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalize(new AtomicLong(1)))
			.withMessageContaining("AtomicLong");
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalize('c'))
			.withMessageContaining("java.lang.Character");
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalize(Set.of("a")))
			.withMessageContaining("unsupported value type");
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalize(new int[] { 1 }))
			.withMessageContaining("unsupported value type");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> JsonValues.normalizeFields(Map.of("meta", Map.of("when", new java.util.Date(0)))))
			.withMessageContaining("'meta.when'")
			.withMessageContaining("java.util.Date");
	}

	@Test
	void rejectsNonStringKeysInNestedMaps() {
		Map<Object, Object> map = new HashMap<>();
		map.put(1, "one");
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalize(map))
			.withMessageContaining("non-string key: 1");
		Map<Object, Object> nullKey = new HashMap<>();
		nullKey.put(null, "x");
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalize(List.of(nullKey)))
			.withMessageContaining("non-string key: null");
	}

	@Test
	void rejectsStringsAndKeysWithUnpairedSurrogatesAndKeepsPairs() {
		assertThat(JsonValues.normalize("smile \ud83d\ude00")).isEqualTo("smile \ud83d\ude00");
		assertThat(JsonValues.normalize(Map.of("\ud83d\ude00", List.of("\ud83d\ude00")))).isEqualTo(
				Map.of("\ud83d\ude00", List.of("\ud83d\ude00")));
		for (Object value : List.<Object>of("\ud83d", "x\ude00", "\ude00\ud83d", List.of("ok", "\ud800"),
				Map.of("k", Map.of("\udbff", 1)), Map.of("k", "\udfff"))) {
			assertThatIllegalArgumentException().as("%s", value).isThrownBy(() -> JsonValues.normalize(value))
				.withMessageContaining("unpaired UTF-16 surrogate");
		}
		assertThatIllegalArgumentException()
			.isThrownBy(() -> JsonValues.normalizeFields(Map.of("title", "cut emoji \ud83d")))
			.withMessageContaining("string at 'title' has an unpaired UTF-16 surrogate at index 10");
	}

	@Test
	void replacesUnpairedSurrogatesInTextThatMustGoOnTheWire() {
		assertThat(JsonValues.replacingUnpairedSurrogates("a\ud83d\ude00b")).isEqualTo("a\ud83d\ude00b");
		assertThat(JsonValues.replacingUnpairedSurrogates("a\ud83d b\ude00\ud83d")).isEqualTo("a\ufffd b\ufffd\ufffd");
		assertThat(JsonValues.unpairedSurrogate("ok\ud83d\ude00".toCharArray(), 2, 2)).isEqualTo(-1);
		assertThat(JsonValues.unpairedSurrogate("ok\ud83d\ude00".toCharArray(), 2, 1)).isZero();
		assertThat(JsonValues.unpairedSurrogate("ok\ud83d\ude00".toCharArray(), 3, 1)).isZero();
	}

	@Test
	void pathsInErrorsStayShortHoweverLongOrDeepTheKeys() {
		// building every value's path must cost in proportion to the values, not to their keys' lengths
		Object value = Map.of("leaf", Double.NaN);
		for (int i = 0; i < 60; i++) {
			value = Map.of("k".repeat(10_000) + i, value);
		}
		Object hostile = value;
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalize(hostile))
			.withMessageContaining("is not finite")
			.satisfies(ex -> assertThat(ex.getMessage()).hasSizeLessThan(400));
		assertThat(JsonValues.childPath("a", "b")).isEqualTo("a.b");
		assertThat(JsonValues.childPath("a", "k".repeat(100))).isEqualTo("a." + "k".repeat(40) + "...");
	}

	@Test
	void rejectsNestingDeeperThan64Levels() {
		assertThat(JsonValues.normalize(nestedLists(64))).isNotNull();
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalize(nestedLists(65)))
			.withMessageContaining("deeper than 64");
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalize(nestedMaps(70)))
			.withMessageContaining("deeper than 64");
		// a value that contains itself ends in the same error, not a stack overflow
		List<Object> cycle = new ArrayList<>();
		cycle.add(cycle);
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.normalize(cycle))
			.withMessageContaining("deeper than 64");
	}

	/** {@code depth} nested lists around a scalar (depth 0 is the scalar itself). */
	static Object nestedLists(int depth) {
		Object value = 1L;
		for (int i = 0; i < depth; i++) {
			value = List.of(value);
		}
		return value;
	}

	static Object nestedMaps(int depth) {
		Object value = "leaf";
		for (int i = 0; i < depth; i++) {
			value = Map.of("k", value);
		}
		return value;
	}

}
