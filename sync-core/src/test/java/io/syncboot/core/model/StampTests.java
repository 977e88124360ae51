package io.syncboot.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class StampTests {

	@Test
	void ordersByTimestampThenFileId() {
		List<Stamp> stamps = new ArrayList<>(List.of(new Stamp(2, 1), new Stamp(1, 9), Stamp.ZERO, new Stamp(2, 0),
				new Stamp(1, 10)));
		Collections.shuffle(stamps, new java.util.Random(1));
		Collections.sort(stamps);
		assertThat(stamps).containsExactly(Stamp.ZERO, new Stamp(1, 9), new Stamp(1, 10), new Stamp(2, 0),
				new Stamp(2, 1));
		assertThat(new Stamp(1, 10).isAfter(new Stamp(1, 9))).isTrue();
		assertThat(new Stamp(1, 9).isAfter(new Stamp(1, 9))).isFalse();
		assertThat(new Stamp(Long.MAX_VALUE, 0).isAfter(new Stamp(Long.MAX_VALUE - 1, Long.MAX_VALUE))).isTrue();
		assertThat(Stamp.max(new Stamp(3, 1), new Stamp(3, 2))).isEqualTo(new Stamp(3, 2));
		assertThat(Stamp.max(new Stamp(4, 1), new Stamp(3, 2))).isEqualTo(new Stamp(4, 1));
	}

	@Test
	void rejectsNegativeParts() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Stamp(-1, 0))
			.withMessage("timestamp must be >= 0, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> new Stamp(0, -1))
			.withMessage("fileId must be >= 0, was -1");
	}

}
