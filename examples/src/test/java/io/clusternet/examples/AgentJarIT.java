package io.clusternet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's shaded jar, as built by {@code package} (issue 14, item 3): it carries no test or
 * mock library (the demo, which needs the test kit's API server, is its own jar in
 * clusternet-demo), every clusternet class in it loads from the jar alone, and the agent starts
 * from it. Runs under failsafe, after {@code package}; the jar's path comes from the build.
 */
class AgentJarIT {
  /**
   * What the jar held before the demo moved out (from {@code unzip -l} of the 74 MB jar): JUnit
   * and its companions, fabric8's mock server and client, vert.x and netty under it, and the test
   * kit; plus the other test libraries and okhttp's mock server, which must never come in.
   */
  static final List<String> FORBIDDEN = List.of(
      "org/junit/", "junit/", "org/opentest4j/", "org/apiguardian/",
      "io/fabric8/", "META-INF/maven/io.fabric8/",
      "io/vertx/", "META-INF/maven/io.vertx/",
      "io/netty/", "META-INF/maven/io.netty/",
      "okhttp3/mockwebserver/", "mockwebserver3/",
      "org/assertj/", "org/quicktheories/",
      "io/clusternet/testing/");

  /**
   * The jar was 74.5 MB with the demo's test kit and is 52.5 MB without, /metrics included
   * (README, "A lean agent jar"): most of the rest is client-java, whose generated models alone
   * take 20 MB. The bound leaves room for the agent's own growth and catches a test kit coming
   * back.
   */
  static final long MAX_BYTES = 60_000_000L;

  static Path jar;

  @BeforeAll
  static void locate() {
    String property = System.getProperty("clusternet.agentJar");
    assertThat(property).as("the build passes clusternet.agentJar (see examples/pom.xml)")
        .isNotBlank();
    jar = Path.of(property);
    assertThat(jar).as("the shaded agent jar (built by package)").isRegularFile();
  }

  static List<String> entries() throws IOException {
    try (JarFile j = new JarFile(jar.toFile())) {
      return j.stream().map(ZipEntry::getName).toList();
    }
  }

  @Test
  void holdsNoTestOrMockLibrary() throws IOException {
    List<String> entries = entries();
    assertThat(entries).as("the agent itself").contains(
        "io/clusternet/examples/NodeAgent.class", "io/clusternet/core/ClusterNet.class");
    List<String> offending = new ArrayList<>();
    for (String e : entries) {
      for (String prefix : FORBIDDEN) {
        if (e.startsWith(prefix)) offending.add(e);
      }
    }
    assertThat(offending).as("test or mock classes in " + jar).isEmpty();
    assertThat(entries).as("the demo lives in clusternet-demo")
        .doesNotContain("io/clusternet/examples/Demo.class");
  }

  @Test
  void isSmall() throws IOException {
    long size = Files.size(jar);
    System.out.printf("agent jar: %s, %.1f MB%n", jar.getFileName(), size / 1e6);
    assertThat(size).as("size of " + jar + " in bytes (README: 'A lean agent jar')")
        .isLessThan(MAX_BYTES);
  }

  /** Every clusternet class resolves its supertypes from the jar alone (nothing was dropped). */
  @Test
  void everyClusternetClassLoadsFromTheJarAlone() throws Exception {
    List<String> classes = entries().stream()
        .filter(e -> e.startsWith("io/clusternet/") && e.endsWith(".class")
            && !e.endsWith("module-info.class") && !e.endsWith("package-info.class"))
        .map(e -> e.substring(0, e.length() - ".class".length()).replace('/', '.'))
        .toList();
    assertThat(classes).hasSizeGreaterThan(100);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      for (String c : classes) {
        Class.forName(c, false, loader);
      }
    }
  }

  @Test
  void theAgentStartsFromTheJar() throws Exception {
    Result help = run("agent", "--help");
    assertThat(help.code).as(help.output).isZero();
    assertThat(help.output).contains("--kubeconfig", "--storage-root", "Exit codes");
  }

  @Test
  void theDemoCommandSaysWhereTheDemoIs() throws Exception {
    Result demo = run("demo");
    assertThat(demo.code).as(demo.output).isEqualTo(2);
    assertThat(demo.output).contains("clusternet-demo", "./run-demo");
  }

  record Result(int code, String output) {}

  static Result run(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
