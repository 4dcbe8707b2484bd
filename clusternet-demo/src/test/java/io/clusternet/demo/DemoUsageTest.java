package io.clusternet.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.testing.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code --help} prints the demo's help and starts nothing; anything else is bad usage. */
class DemoUsageTest {
  @Test
  void helpPrintsHelpAndStartsNothing() throws Exception {
    Process p = ChildJvm.builder(List.of(), Demo.class, "--help")
        .redirectErrorStream(true).start();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      p.toHandle().destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ended).as(out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).startsWith("usage: java -jar clusternet-demo.jar")
        .doesNotContain("started");

    Process bad = ChildJvm.builder(List.of(), Demo.class, "--nodes", "5")
        .redirectErrorStream(true).start();
    assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String badOut = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bad.exitValue()).as(badOut).isEqualTo(2);
    assertThat(badOut).contains("error: demo takes no options");
  }
}
