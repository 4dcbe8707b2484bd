package io.clusternet.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.net.IpPrefix;
import io.clusternet.core.ClusterNetIncrementalTest.CountingSource;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.NodeInfo;
import io.clusternet.core.userspace.WireGuardGoProcess;
import io.clusternet.testing.k8s.FakeApiServer;
import io.clusternet.testing.wg.FakeWireGuardBackend;
import io.kubernetes.client.util.ClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder is copied at build(): reusing it never changes a built (or running) service. */
class ClusterNetConfigTest {
  @TempDir Path tmp;

  @Test
  void reusingTheBuilderAfterBuildDoesNotChangeARunningService() throws Exception {
    try (FakeApiServer api = FakeApiServer.startOnRandomPort()) {
      api.createNode("n0", "192.0.2.1", List.of("10.244.0.0/24"), null);
      FakeWireGuardBackend wg = new FakeWireGuardBackend(X25519::publicKey);
      wg.createDevice("clusternet");
      CountingSource source = new CountingSource();
      source.upsert(new NodeInfo("n0", Instant.EPOCH, Map.of(), List.of("192.0.2.1"),
          List.of("10.244.0.0/24")));
      ClusterNet.Builder builder = ClusterNet.builder()
          .nodeName("n0")
          .kubernetes(new ClientBuilder().setBasePath(api.url()).build())
          .storageRoot(tmp.resolve("state"))
          .backends(wg, Optional.empty())
          .nodeSource(source)
          .listenPort(51820);
      ClusterNet net = builder.build();
      builder.listenPort(40000).interfaceName("other").nodeName("n9")
          .clusterCidr(IpPrefix.parse("10.0.0.0/8")).resyncPeriod(Duration.ofMillis(1));
      net.startAsync().awaitRunning();
      try {
        ClusterNetStatus status = net.status();
        assertThat(status.listenPort()).isEqualTo(51820);
        assertThat(status.interfaceName()).isEqualTo("clusternet");
        assertThat(status.nodeName()).isEqualTo("n0");
        assertThat(wg.device("clusternet").orElseThrow().listenPort()).isEqualTo(51820);
      } finally {
        net.stopAsync().awaitTerminated();
      }
    }
  }

  @Test
  void theDaemonSettingsAreCopiedToo() {
    WireGuardGoProcess.Builder daemon = WireGuardGoProcess.builder("clusternet")
        .socketDirectory(tmp.resolve("a"));
    ClusterNet net = ClusterNet.builder()
        .nodeName("n0")
        .kubernetes(new ClientBuilder().setBasePath("http://127.0.0.1:1").build())
        .storageRoot(tmp.resolve("state"))
        .userspace(daemon)
        .build();
    daemon.socketDirectory(tmp.resolve("b"));
    assertThat(net.config().daemon().effectiveSocketDirectory()).isEqualTo(tmp.resolve("a"));
  }
}
