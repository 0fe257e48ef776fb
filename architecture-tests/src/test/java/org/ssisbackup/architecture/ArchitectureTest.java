package org.ssisbackup.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RestController;

/**
 * The shape of the code, as rules on the compiled production classes of every module (tests and the testkit are
 * free to reach across). A rule broken here fails the build with the offending dependency named.
 */
class ArchitectureTest {
    static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(
                        location -> !location.contains("/testkit/") && !location.contains("ssis-backup-testkit"))
                .importPackages("org.ssisbackup");
    }

    @Test
    void contractsAreOnlyTheWireSchemaAndDependOnNothingButJackson() {
        classes()
                .that()
                .resideInAPackage("org.ssisbackup.contracts..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "org.ssisbackup.contracts..", "java..", "com.fasterxml.jackson.annotation..", "tools.jackson..")
                .check(production);
    }

    @Test
    void noPackageDependsInACircle() {
        slices().matching("org.ssisbackup.(**)").should().beFreeOfCycles().check(production);
    }

    @Test
    void controllersDoNotTouchJdbc() {
        noClasses()
                .that()
                .areAnnotatedWith(RestController.class)
                .or()
                .areAnnotatedWith(Controller.class)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework.jdbc..", "java.sql..", "javax.sql..")
                .check(production);
    }

    @Test
    void agentsDependOnNeitherTheOrchestratorNorTheCatalog() {
        noClasses()
                .that()
                .resideInAnyPackage("org.ssisbackup.agent..", "org.ssisbackup.fsagent..", "org.ssisbackup.msdbagent..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.ssisbackup.orchestrator..", "org.ssisbackup.catalog..")
                .check(production);
    }

    @Test
    void servicesDoNotReachIntoEachOther() {
        noClasses()
                .that()
                .resideInAPackage("org.ssisbackup.orchestrator..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.ssisbackup.catalog..", "org.ssisbackup.storage..", "io.minio..")
                .because("the orchestrator never touches the bucket and asks the catalog over its REST API")
                .check(production);
        noClasses()
                .that()
                .resideInAPackage("org.ssisbackup.catalog..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.ssisbackup.orchestrator..", "org.ssisbackup.agent..")
                .check(production);
    }

    @Test
    void theBucketIsReachedOnlyThroughStorage() {
        noClasses()
                .that()
                .resideOutsideOfPackage("org.ssisbackup.storage..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.minio..")
                .check(production);
    }
}
