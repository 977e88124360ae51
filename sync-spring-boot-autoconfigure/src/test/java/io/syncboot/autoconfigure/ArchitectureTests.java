package io.syncboot.autoconfigure;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Condition;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMembers;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * House rules of the auto-configuration module, after Spring Boot's own.
 */
class ArchitectureTests {

	private static final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.syncboot.autoconfigure");

	@Test
	void autoConfigurationsArePublicFinalWithoutPublicMembers() {
		classes().that().areAnnotatedWith(AutoConfiguration.class).should().bePublic().andShould()
			.haveModifier(JavaModifier.FINAL)
			.check(classes);
		noMembers().that().areDeclaredInClassesThat().areAnnotatedWith(AutoConfiguration.class).should().bePublic()
			.check(classes);
	}

	@Test
	void everyAutoConfigurationIsRegistered() throws Exception {
		String imports = new String(getClass()
			.getResourceAsStream("/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")
			.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		classes().that().areAnnotatedWith(AutoConfiguration.class).should(new ArchCondition<>("be registered") {
			@Override
			public void check(JavaClass item, ConditionEvents events) {
				boolean registered = imports.lines().anyMatch(item.getName()::equals);
				events.add(new SimpleConditionEvent(item, registered, item.getName() + " registered: " + registered));
			}
		}).check(classes);
	}

	@Test
	void conditionsAreNotPublic() {
		classes().that().implement(Condition.class).should().notBePublic().check(classes);
	}

	@Test
	void noInternalsOfOtherModules() {
		noClasses().should().dependOnClassesThat().resideInAPackage("..internal..").check(classes);
	}

	@Test
	void packagesAreFreeOfCycles() {
		slices().matching("io.syncboot.autoconfigure.(*)..").should().beFreeOfCycles().check(classes);
	}

	@Test
	void everyPackageIsNullMarked() {
		classes().should(new ArchCondition<>("reside in a @NullMarked package") {
			@Override
			public void check(JavaClass item, ConditionEvents events) {
				boolean marked = item.getPackage().isAnnotatedWith(NullMarked.class);
				events.add(new SimpleConditionEvent(item, marked, item.getPackageName() + " @NullMarked: " + marked));
			}
		}).check(classes);
	}

	@Test
	void onlyTheTestSupportUsesSpringTest() {
		noClasses().that().resideOutsideOfPackage("io.syncboot.autoconfigure.test..").should().dependOnClassesThat()
			.resideInAPackage("org.springframework.test..").check(classes);
	}


}
