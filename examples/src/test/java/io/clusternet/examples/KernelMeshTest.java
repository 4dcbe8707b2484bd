package io.clusternet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.net.InterfaceAddress;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.core.ClusterNet;
import io.clusternet.testing.NetworkNamespace;
import io.clusternet.testing.Prerequisites;
import io.clusternet.testing.k8s.FakeApiServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service on the kernel's WireGuard: two nodes in network namespaces, ClusterNet with
 * no backend given, so {@code auto} must pick the kernel; it creates the link, configures it,
 * routes the pod network and the nodes ping each other. Runs in the VM stage; skipped loudly on
 * kernels without WireGuard.
 */
@Tag("kernel")
class KernelMeshTest {
  @TempDir Path tmp;
  FakeApiServer api;
  final List<NetworkNamespace> ns = new ArrayList<>();
  final List<ClusterNet> nets = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (ClusterNet n : nets) {
      try {
        n.stopAsync().awaitTerminated();
      } catch (IllegalStateException ignored) {
        // failed at start
      }
    }
    for (NetworkNamespace n : ns) n.close();
    if (api != null) api.close();
  }

  @Test
  void autoPicksTheKernelAndTwoNodesPingOverIt() throws Exception {
    Prerequisites.requireKernelWireGuard();
    api = FakeApiServer.startOnRandomPort();
    ApiClient client = new ClientBuilder().setBasePath(api.url()).build();
    for (int i = 0; i < 2; i++) ns.add(NetworkNamespace.create("cnkm-n" + i));
    ns.get(0).ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns",
        ns.get(1).name());
    for (int i = 0; i < 2; i++) {
      ns.get(i).ip("addr", "add", "192.0.2." + (i + 1) + "/24", "dev", "eth0");
      ns.get(i).ip("link", "set", "eth0", "up");
      api.createNode("n" + i, "192.0.2." + (i + 1), List.of("10.244." + i + ".0/24"), null);
    }
    for (int i = 0; i < 2; i++) {
      ClusterNet net = ClusterNet.builder().nodeName("n" + i).kubernetes(client)
          .storageRoot(tmp.resolve("n" + i))
          .networkNamespace(Path.of("/var/run/netns", ns.get(i).name()))
          .interfaceAddress(InterfaceAddress.parse("10.244." + i + ".1/32"))
          .clusterCidr(IpPrefix.parse("10.244.0.0/16"))
          .resyncPeriod(Duration.ofSeconds(5))
          .build();
      nets.add(net);
      net.startAsync().awaitRunning();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (nets.stream().anyMatch(n -> n.status().peers().size() != 1
        || !n.health().isHealthy())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no convergence: " + nets.stream()
            .map(n -> n.status().format()).collect(Collectors.joining("\n")));
      }
      Thread.sleep(100);
    }
    for (ClusterNet n : nets) assertThat(n.status().mode()).isEqualTo("kernel");
    assertThat(ns.get(0).ip("-d", "link", "show", "clusternet")).contains("wireguard");
    assertThat(ns.get(0).reaches("10.244.1.1", 5)).isTrue();
    assertThat(ns.get(1).reaches("10.244.0.1", 5)).isTrue();
    assertThat(nets.get(0).status().peers().get(0).handshakeAge()).isPresent();

    // Issue 11 bug 2 on the kernel: the interface deleted by hand is noticed and brought back
    // (link, key and port, address, route, peer) while the service stays RUNNING.
    ns.get(0).ip("link", "del", "clusternet");
    long restoreDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!(nets.get(0).health().isHealthy() && nets.get(0).status().peers().size() == 1
        && ns.get(0).reaches("10.244.1.1", 1))) {
      if (System.nanoTime() > restoreDeadline) {
        throw new AssertionError("not restored: " + nets.get(0).status().format());
      }
      Thread.sleep(200);
    }
    assertThat(nets.get(0).state()).isEqualTo(com.google.common.util.concurrent.Service.State.RUNNING);
    assertThat(ns.get(0).ip("-d", "link", "show", "clusternet")).contains("wireguard");

    // Stopping removes the link it created.
    for (ClusterNet n : nets) n.stopAsync().awaitTerminated();
    assertThat(ns.get(0).ip("link", "show")).doesNotContain("clusternet");
  }
}
