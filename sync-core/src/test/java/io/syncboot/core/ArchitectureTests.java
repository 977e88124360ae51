package io.syncboot.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.testing.archfixture.a.UsesJacksonAndJdbc;
import io.syncboot.core.testing.archfixture.b.PointsBack;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The core stays free of Spring, JDBC, the client and the server; only its codec touches Jackson;
 * its packages form no cycle.
 */
class ArchitectureTests {

	private static final JavaClasses CORE = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.syncboot.core");

	private static final ArchRule NO_FORBIDDEN_DEPENDENCIES = noClasses().that()
		.resideInAPackage("io.syncboot.core..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("org.springframework..", "java.sql..", "javax.sql..", "io.syncboot.client..",
				"io.syncboot.server..");

	private static final ArchRule JACKSON_ONLY_IN_CODEC = noClasses().that()
		.resideOutsideOfPackage("io.syncboot.core.codec..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("tools.jackson..");

	private static final ArchRule NO_PACKAGE_CYCLES = slices().matching("io.syncboot.(**)").should().beFreeOfCycles();

	@Test
	void importsTheProductionClassesOnly() {
		assertThat(CORE.contain(MessageCodec.class)).isTrue();
		assertThat(CORE.contain(ArchitectureTests.class)).isFalse();
		assertThat(CORE.size()).isGreaterThan(20);
	}

	@Test
	void coreDependsOnNoSpringJdbcClientOrServer() {
		NO_FORBIDDEN_DEPENDENCIES.check(CORE);
	}

	@Test
	void onlyTheCodecUsesJackson() {
		JACKSON_ONLY_IN_CODEC.check(CORE);
	}

	@Test
	void packagesAreFreeOfCycles() {
		NO_PACKAGE_CYCLES.check(CORE);
	}

	@Test
	void theRulesDetectViolations() {
		JavaClasses offenders = new ClassFileImporter().importClasses(UsesJacksonAndJdbc.class, PointsBack.class);
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> NO_FORBIDDEN_DEPENDENCIES.check(offenders))
			.withMessageContaining("java.sql.Timestamp");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> JACKSON_ONLY_IN_CODEC.check(offenders))
			.withMessageContaining("tools.jackson.databind.JsonNode");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> NO_PACKAGE_CYCLES.check(offenders))
			.withMessageContaining("Cycle detected");
	}

}
