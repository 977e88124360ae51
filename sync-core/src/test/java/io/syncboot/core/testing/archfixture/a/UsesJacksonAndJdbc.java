package io.syncboot.core.testing.archfixture.a;

import io.syncboot.core.testing.archfixture.b.PointsBack;

/** A class that breaks every architecture rule, to prove the rules detect violations. */
public class UsesJacksonAndJdbc {

	public java.sql.Timestamp when;

	public tools.jackson.databind.JsonNode node;

	public PointsBack other;

}
