package io.clusternet.core.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** STYLE.md's dependency arrows inside clusternet-core. */
@AnalyzeClasses(packages = "io.clusternet", importOptions = ImportOption.DoNotIncludeTests.class)
class DependencyRulesTest {
  @ArchTest
  static final ArchRule bouncyCastleOnlyInX25519 = noClasses()
      .that().doNotHaveFullyQualifiedName("io.clusternet.core.keys.X25519")
      .should().dependOnClassesThat().resideInAPackage("org.bouncycastle..")
      .because("BouncyCastle is confined to io.clusternet.core.keys.X25519");

  @ArchTest
  static final ArchRule pcollectionsOnlyInTheMeshPackage = noClasses()
      .that().resideOutsideOfPackage("io.clusternet.core.mesh")
      .should().dependOnClassesThat().resideInAPackage("org.pcollections..")
      .because("persistent collections are an implementation detail of the mesh state");

  @ArchTest
  static final ArchRule resilience4jOnlyInTheBackoffPackage = noClasses()
      .that().resideOutsideOfPackage("io.clusternet.core.backoff")
      .should().dependOnClassesThat().resideInAPackage("io.github.resilience4j..")
      .because("the one backoff policy wraps resilience4j in io.clusternet.core.backoff");

  /**
   * Micrometer is an optional dependency: only MicrometerMetrics uses it, so a host without it
   * never loads one of its classes. The one exception is the builder's {@code meterRegistry}
   * parameter, which the next rule pins.
   */
  @ArchTest
  static final ArchRule micrometerOnlyInMicrometerMetrics = noClasses()
      .that().haveNameNotMatching("io\\.clusternet\\.core\\.metrics\\.MicrometerMetrics(\\$.*)?")
      .and().doNotHaveFullyQualifiedName("io.clusternet.core.ClusterNet$Builder")
      .should().dependOnClassesThat().resideInAPackage("io.micrometer..")
      .because("Micrometer is optional and confined to io.clusternet.core.metrics.MicrometerMetrics");

  @ArchTest
  static final ArchRule theBuilderOnlyTakesTheRegistry = classes()
      .that().haveFullyQualifiedName("io.clusternet.core.ClusterNet$Builder")
      .should(new ArchCondition<JavaClass>("use Micrometer only in meterRegistry(MeterRegistry)") {
        @Override
        public void check(JavaClass builder, ConditionEvents events) {
          for (Dependency d : builder.getDirectDependenciesFromSelf()) {
            if (d.getTargetClass().getPackageName().startsWith("io.micrometer")
                && !d.getDescription().contains("ClusterNet$Builder.meterRegistry(")) {
              events.add(SimpleConditionEvent.violated(d, d.getDescription()));
            }
          }
        }
      });

  @ArchTest
  static final ArchRule noJnaInCore = noClasses()
      .that().resideInAPackage("io.clusternet.core..")
      .should().dependOnClassesThat().resideInAPackage("com.sun.jna..");

  @ArchTest
  static final ArchRule apiUsesGuavaOnlyForLiterals = noClasses()
      .that().resideInAPackage("io.clusternet.api..")
      .and().doNotHaveFullyQualifiedName("io.clusternet.api.net.Literals")
      .should().dependOnClassesThat().resideInAPackage("com.google..");

  @ArchTest
  static final ArchRule lowerLayersDoNotReachUp = noClasses()
      .that().resideInAnyPackage("io.clusternet.api..", "io.clusternet.localstorage..")
      .should().dependOnClassesThat().resideInAPackage("io.clusternet.core..");

  @ArchTest
  static final ArchRule noJdkInternals = noClasses()
      .should().dependOnClassesThat().resideInAnyPackage("sun..", "com.sun.nio..", "jdk.internal..");
}
