package io.clusternet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.testing.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The agent's documented exit code 2 for a setting the library refuses. */
class NodeAgentUsageTest {
  @TempDir Path tmp;

  /** Issue 13 item 12: a keepalive outside 0-65535 s is bad usage, before anything starts. */
  @ParameterizedTest
  @ValueSource(strings = {"70000", "-5"})
  void aKeepaliveOutOfRangeIsBadUsageWithExitCode2(String keepalive) throws Exception {
    Path kubeconfig = tmp.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters: [{name: t, cluster: {server: "http://127.0.0.1:1"}}]
        contexts: [{name: t, context: {cluster: t, user: t}}]
        current-context: t
        users: [{name: t, user: {}}]
        """);
    Path root = tmp.resolve("state");
    Process p = ChildJvm.builder(List.of(), NodeAgent.class, "--kubeconfig",
            kubeconfig.toString(), "--node-name", "n0", "--storage-root", root.toString(),
            "--backend", "userspace", "--interface", "cnusage0", "--keepalive", keepalive)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isEqualTo(2);
    assertThat(out).contains("error:").contains("persistentKeepalive")
        .contains("0-65535 whole seconds").contains("Usage:");
    assertThat(root).as("nothing was started or created").doesNotExist();
  }
}
