package modrelay.relay;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module and package rules of the design, checked on the compiled classes: a cycle or a forbidden
 * import that comes back fails the build, not a review.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("modrelay");
    }

    @Test
    void configKnowsNothingOfAkkaOrTheOtherModules() {
        noClasses().that().resideInAPackage("modrelay.config..")
                .should().dependOnClassesThat().resideInAnyPackage("akka..", "scala..", "modrelay.moderation..", "modrelay.relay..")
                .because("config is the settings tree only: it must load without an actor system")
                .check(classes);
    }

    @Test
    void moderationKnowsNothingOfHttpServersOrTheRelay() {
        noClasses().that().resideInAPackage("modrelay.moderation..")
                .should().dependOnClassesThat().resideInAnyPackage("akka.http..", "modrelay.relay..")
                .because("moderation is stream stages and moderators, testable with akka-stream-testkit alone")
                .check(classes);
    }

    @Test
    void relayPackagesFormADag() {
        slices().matching("modrelay.relay.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void moderationPackagesFormADag() {
        slices().matching("modrelay.moderation.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theExchangeIsAtTheBottom() {
        noClasses().that().resideInAPackage("modrelay.relay.exchange..")
                .should().dependOnClassesThat().resideInAnyPackage("modrelay.relay.pipeline..", "modrelay.relay.response..",
                        "modrelay.relay.routing..", "modrelay.relay.observability..", "modrelay.relay.http..",
                        "modrelay.relay.upstream..", "modrelay.relay.admin..")
                .because("every step reads the exchange; the exchange reads none of them")
                .check(classes);
    }
}
