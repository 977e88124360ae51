package io.syncboot.core.testing.archfixture.b;

import io.syncboot.core.testing.archfixture.a.UsesJacksonAndJdbc;

/** The other half of a package cycle. */
public class PointsBack {

	public UsesJacksonAndJdbc back;

}
