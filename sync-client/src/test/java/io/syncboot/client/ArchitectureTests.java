package io.syncboot.client;

import java.util.Set;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.syncboot.client.internal.DefaultSyncManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

class ArchitectureTests {

	private static JavaClasses imported;

	@BeforeAll
	static void importClasses() {
		imported = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("io.syncboot.client");
	}

	@Test
	void theClientNeverSeesTheServerOrSpringBoot() {
		noClasses().that()
			.resideInAPackage("io.syncboot.client..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.syncboot.server..", "org.springframework.boot..", "io.syncboot.autoconfigure..")
			.check(imported);
	}

	@Test
	void onlyTheStoreUsesJdbc() {
		noClasses().that()
			.resideOutsideOfPackage("io.syncboot.client.internal.store..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("java.sql..", "javax.sql..", "org.sqlite..")
			.check(imported);
	}

	@Test
	void theApiExposesNoInternalType() {
		methods().that()
			.areDeclaredInClassesThat()
			.resideInAPackage("io.syncboot.client")
			.and()
			.arePublic()
			.should(new ArchCondition<JavaMethod>("neither return nor accept an ..internal.. type") {
				@Override
				public void check(JavaMethod method, ConditionEvents events) {
					Set<JavaClass> involved = new java.util.HashSet<>(method.getReturnType().getAllInvolvedRawTypes());
					method.getParameterTypes().forEach(type -> involved.addAll(type.getAllInvolvedRawTypes()));
					for (JavaClass type : involved) {
						if (type.getPackageName().contains(".internal")) {
							events.add(SimpleConditionEvent.violated(method,
									method.getFullName() + " exposes internal type " + type.getName()));
						}
					}
				}
			})
			.check(imported);
	}

	@Test
	void apiHandlesAreInterfacesAndImplementationsAreInternal() {
		classes().that()
			.haveSimpleNameStartingWith("Default")
			.should()
			.resideInAPackage("io.syncboot.client.internal..")
			.check(imported);
		classes().that()
			.resideInAPackage("io.syncboot.client")
			.and()
			.haveSimpleNameStartingWith("Sync")
			.and()
			.areNotEnums()
			.and()
			.doNotHaveSimpleName("SyncClientSettings")
			.and()
			.doNotHaveSimpleName("SyncConfiguration")
			.and()
			.doNotHaveSimpleName("SyncCredentials")
			.and()
			.doNotHaveSimpleName("SyncError")
			.and()
			.doNotHaveSimpleName("SyncProgress")
			.and()
			.areTopLevelClasses()
			.should()
			.beInterfaces()
			.check(imported);
		noClasses().that()
			.resideInAPackage("io.syncboot.client..")
			.should()
			.haveSimpleNameEndingWith("Impl")
			.check(imported);
	}

	@Test
	void packagesAreFreeOfCycles() {
		slices().matching("io.syncboot.(**)")
			.should()
			.beFreeOfCycles()
			// the one allowed API -> internal edge: the factory
			.ignoreDependency(equivalentTo(SyncManager.class), equivalentTo(DefaultSyncManager.class))
			.check(imported);
	}


}
