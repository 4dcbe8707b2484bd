package io.clusternet.core.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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
