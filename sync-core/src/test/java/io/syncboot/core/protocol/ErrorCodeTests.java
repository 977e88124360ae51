package io.syncboot.core.protocol;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ErrorCodeTests {

	@Test
	void numbersAreUniqueAndResolveBack() {
		Set<Integer> numbers = new HashSet<>();
		for (ErrorCode code : ErrorCode.values()) {
			assertThat(numbers.add(code.number())).as("%s has a unique number", code).isTrue();
			assertThat(ErrorCode.ofNumber(code.number())).isSameAs(code);
			assertThat(code.isConnectionLevel()).isEqualTo(code.number() < 200);
			assertThat(code.number()).isBetween(100, 299);
		}
	}

	@Test
	void unknownNumbersAreMalformed() {
		for (int number : new int[] { 0, -101, 150, 299, Integer.MAX_VALUE }) {
			assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> ErrorCode.ofNumber(number))
				.withMessage("unknown error code " + number)
				.satisfies(ex -> assertThat(ex.code()).isEqualTo(ErrorCode.MALFORMED_MESSAGE));
		}
	}

	@Test
	void actionsFollowTheContract() {
		assertThat(ErrorCode.CONNECTION_CLOSED.action()).isEqualTo(ProtocolAction.TRANSIENT);
		assertThat(ErrorCode.MALFORMED_MESSAGE.action()).isEqualTo(ProtocolAction.PROTOCOL_VIOLATION);
		assertThat(ErrorCode.MALFORMED_MESSAGE.number()).isEqualTo(101);
		assertThat(ErrorCode.BAD_CLIENT_FILE_ID.number()).isEqualTo(208);
		assertThat(ErrorCode.BAD_SERVER_VERSION.number()).isEqualTo(209);
		assertThat(ErrorCode.DIVERGING_HISTORIES.number()).isEqualTo(211);
		for (ErrorCode code : new ErrorCode[] { ErrorCode.BAD_CLIENT_FILE_ID, ErrorCode.BAD_SERVER_VERSION,
				ErrorCode.DIVERGING_HISTORIES, ErrorCode.CLIENT_FILE_EXPIRED }) {
			assertThat(code.action()).as("%s", code).isEqualTo(ProtocolAction.CLIENT_RESET);
			assertThat(code.isFatal()).isTrue();
		}
		assertThat(ErrorCode.TOKEN_EXPIRED.action()).isEqualTo(ProtocolAction.REFRESH_TOKEN);
		assertThat(ErrorCode.INVALID_TOKEN.action()).isEqualTo(ProtocolAction.LOG_OUT);
		assertThat(ErrorCode.PERMISSION_DENIED.action()).isEqualTo(ProtocolAction.DELETE_DATABASE);
		assertThat(ErrorCode.WRITE_REJECTED.action()).isEqualTo(ProtocolAction.WARNING);
		assertThat(ErrorCode.WRITE_REJECTED.isFatal()).isFalse();
		assertThat(ErrorCode.SLOW_CONSUMER.action()).isEqualTo(ProtocolAction.TRANSIENT);
		assertThat(ErrorCode.SLOW_CONSUMER.isFatal()).isFalse();
	}

}
