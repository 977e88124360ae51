package io.syncboot.server;

import java.util.concurrent.Executors;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.jspecify.annotations.NullMarked;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.GeneralCodingRules.ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;

/**
 * The module's structural rules.
 */
@AnalyzeClasses(packages = "io.syncboot.server", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

	@ArchTest
	static final ArchRule serverNeverDependsOnTheClientOrSpringBoot = noClasses().that()
		.resideInAPackage("io.syncboot.server..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("io.syncboot.client..", "io.syncboot.autoconfigure..", "org.springframework.boot..");

	@ArchTest
	static final ArchRule publicApiReturnsNoInternals = noMethods().that()
		.arePublic()
		.and()
		.areDeclaredInClassesThat()
		.resideInAnyPackage("io.syncboot.server", "io.syncboot.server.store..")
		.should()
		.haveRawReturnType(resideInAPackage("..internal.."));

	@ArchTest
	static final ArchRule publicApiAcceptsNoInternals = noMethods().that()
		.arePublic()
		.and()
		.areDeclaredInClassesThat()
		.resideInAnyPackage("io.syncboot.server", "io.syncboot.server.store..")
		.should()
		.haveRawParameterTypes(new DescribedPredicate<>("containing an internal type") {
			@Override
			public boolean test(java.util.List<JavaClass> parameters) {
				return parameters.stream().anyMatch(p -> p.getPackageName().contains(".internal"));
			}
		});

	@ArchTest
	static final ArchRule storeDoesNotSeeTheTransport = noClasses().that()
		.resideInAPackage("io.syncboot.server.store..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("io.syncboot.server.internal..", "org.springframework.web..", "jakarta.websocket..");

	@ArchTest
	static final ArchRule jdbcOnlyInTheStore = noClasses().that()
		.resideOutsideOfPackage("io.syncboot.server.store..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("java.sql..", "org.sqlite..", "org.springframework.jdbc..", "org.flywaydb..");

	private static final DescribedPredicate<JavaClass> EMBEDDING_API = new DescribedPredicate<>(
			"the builders that accept a JwtDecoder") {
		@Override
		public boolean test(JavaClass javaClass) {
			String name = javaClass.getName();
			return name.equals(AuthSettings.class.getName()) || name.equals(AuthenticationBuilder.class.getName())
					|| name.equals(SyncServer.Builder.class.getName())
					|| name.equals(SyncServerEngine.Builder.class.getName());
		}
	};

	@ArchTest
	static final ArchRule springSecurityOnlyInAuth = noClasses().that()
		.resideOutsideOfPackages("io.syncboot.server.internal.auth..", "io.syncboot.server.auth..")
		.and(DescribedPredicate.not(EMBEDDING_API))
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("org.springframework.security..", "com.nimbusds..");

	@ArchTest
	static final ArchRule theBuildersOnlyAcceptADecoder = noClasses().that(EMBEDDING_API)
		.should()
		.dependOnClassesThat(resideInAPackage("org.springframework.security..")
			.and(DescribedPredicate.not(type(org.springframework.security.oauth2.jwt.JwtDecoder.class))))
		.orShould()
		.dependOnClassesThat()
		.resideInAnyPackage("com.nimbusds..");

	@ArchTest
	static final ArchRule threadsComeFromOnePlace = noClasses().that()
		.resideOutsideOfPackage("..internal.concurrent..")
		.should()
		.callConstructorWhere(target(owner(assignableTo(Thread.class))))
		.orShould()
		.callMethodWhere(target(owner(type(Executors.class))).and(target(nameMatching("new.*"))));

	@ArchTest
	static final ArchRule onlyTheMainUsesStandardStreams = noClasses().that()
		.doNotHaveFullyQualifiedName(SyncServerMain.class.getName())
		.should(ACCESS_STANDARD_STREAMS);

	@ArchTest
	static final ArchRule noSleeps = noClasses().should()
		.callMethod(Thread.class, "sleep", long.class)
		.orShould()
		.callMethod(Thread.class, "sleep", java.time.Duration.class);

	@ArchTest
	static final ArchRule noJavaUtilLogging = NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;

	@ArchTest
	static final ArchRule everyPackageIsNullMarked = classes().that()
		.resideInAPackage("io.syncboot.server..")
		.should(new ArchCondition<>("reside in a @NullMarked package") {
			@Override
			public void check(JavaClass javaClass, ConditionEvents events) {
				boolean marked = javaClass.getPackage().isAnnotatedWith(NullMarked.class);
				if (!marked) {
					events.add(SimpleConditionEvent.violated(javaClass, javaClass.getPackageName() + " is not @NullMarked"));
				}
			}
		});

}
