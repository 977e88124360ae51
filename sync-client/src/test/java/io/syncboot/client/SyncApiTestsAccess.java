package io.syncboot.client;

/**
 * Test fixtures shared across test packages.
 */
public final class SyncApiTestsAccess {

	private SyncApiTestsAccess() {
	}

	/** An unsigned JWT with this payload. */
	public static String jwt(String payload) {
		return SyncApiTests.jwt(payload);
	}

}
