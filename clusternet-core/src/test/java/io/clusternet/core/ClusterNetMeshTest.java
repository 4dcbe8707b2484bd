package io.clusternet.core;

import static io.clusternet.core.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.Exclusion;
import io.clusternet.core.userspace.UapiWireGuardBackend;
import io.clusternet.testing.k8s.FakeApiServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes for real: three network namespaces on a bridge, one ClusterNet each with its own
 * wireguard-go, all watching the test kit's API server. They converge, ping each other's pod
 * addresses through the tunnels, and follow the cluster's changes.
 */
class ClusterNetMeshTest {
  static final int NODES = 3;
  static final String ANN = ClusterNet.DEFAULT_ANNOTATION;
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  FakeApiServer api;
  NamespaceNodes nodes;

  @AfterEach
  void cleanUp() throws Exception {
    if (nodes != null) nodes.close();
    if (api != null) api.close();
  }

  static String newKey() {
    return X25519.publicKey(X25519.generatePrivateKey()).toBase64();
  }

  Set<String> peerNodes(int i) {
    return nodes.peerNodes(i);
  }

  Set<PublicKey> peerKeys(int i) throws Exception {
    return nodes.peerKeys(i);
  }

  boolean ping(int from, int to) throws Exception {
    return nodes.ping(from, to);
  }

  @Test
  void threeNodesConvergePingAndFollowTheCluster() throws Exception {
    nodes = NamespaceNodes.create("cm", NODES);
    api = FakeApiServer.startOnRandomPort();
    ApiClient client = new ClientBuilder().setBasePath(api.url()).build();
    for (int i = 0; i < NODES; i++) {
      api.createNode("n" + i, NamespaceNodes.address(i), List.of(NamespaceNodes.podCidr(i)), null);
    }
    for (int i = 0; i < NODES; i++) {
      nodes.start(nodes.builder(i, "n" + i, client, tmp.resolve("n" + i)));
    }
    nodes.awaitRunning();
    List<ClusterNet> nets = nodes.nets();
    UapiWireGuardBackend uapi = nodes.uapi();

    // Converged: every node has the other two as peers, and pod addresses ping across.
    for (int i = 0; i < NODES; i++) {
      int me = i;
      await("node " + i + " has its peers", WAIT, () -> peerNodes(me).size() == NODES - 1
          && !peerNodes(me).contains("stray"));
      await("node " + i + " healthy", WAIT, () -> nets.get(me).health().isHealthy());
    }
    for (int i = 0; i < NODES; i++) {
      for (int j = 0; j < NODES; j++) {
        if (i != j) assertThat(ping(i, j)).as("ping n%d -> n%d", i, j).isTrue();
      }
    }
    assertThat(nets.get(0).status().peers()).allSatisfy(p -> {
      assertThat(p.handshakeAge()).isPresent();
      assertThat(p.receiveBytes()).isPositive();
    });

    // 100 heartbeats: no backend write anywhere (a later change costs exactly one write each).
    long[] writes = new long[NODES];
    for (int i = 0; i < NODES; i++) writes[i] = nets.get(i).backendWrites();
    for (int h = 0; h < 100; h++) api.heartbeat("n" + (h % NODES));
    String markerKey = X25519.publicKey(X25519.generatePrivateKey()).toBase64();
    api.createNode("marker", "192.0.2.99", List.of("10.244.99.0/24"), Map.of(ANN, markerKey));
    for (int i = 0; i < NODES; i++) {
      int me = i;
      await("marker on " + i, WAIT, () -> peerNodes(me).contains("marker"));
      assertThat(nets.get(i).backendWrites()).as("writes on n%d", i).isEqualTo(writes[i] + 1);
    }

    // Deleting a node removes its peer everywhere.
    api.deleteNode("marker");
    for (int i = 0; i < NODES; i++) {
      int me = i;
      await("marker gone from " + i, WAIT, () -> !peerNodes(me).contains("marker"));
    }

    // A malformed node is excluded with its reason; the mesh keeps working.
    api.createNode("bad", "192.0.2.98", List.of("10.244.98.0/33"),
        Map.of(ANN, X25519.publicKey(X25519.generatePrivateKey()).toBase64()));
    await("bad excluded", WAIT, () -> nets.get(0).status().excluded().stream()
        .anyMatch(e -> e.nodeName().equals("bad") && e.reason() == Exclusion.Reason.BAD_PREFIX));
    assertThat(ping(0, 1)).isTrue();

    // Real-world node data (issue 13): a node with n0's own InternalIP, one with only a
    // link-local one, two claiming too much (outside the cluster CIDR; ::/0 with no IPv6 cluster
    // CIDR), a later dual-stack node the ::/0 claim must not exclude, and an address that tries
    // to forge a status line.
    List<String> refused = List.of(newKey(), newKey(), newKey(), newKey());
    api.createNode("twin", "192.0.2.1", List.of("10.244.97.0/24"), Map.of(ANN, refused.get(0)));
    String llKey = newKey();
    api.createNode("ll", "169.254.1.10", List.of("10.244.96.0/24"), Map.of(ANN, llKey));
    api.createNode("wide", "192.0.2.95", List.of("10.96.0.0/12"), Map.of(ANN, refused.get(1)));
    api.createNode("wide6", "192.0.2.94", List.of("10.244.94.0/24", "::/0"),
        Map.of(ANN, refused.get(2)));
    api.createNode("forger", "192.0.2.93\n  health: healthy", List.of("10.244.93.0/24"),
        Map.of(ANN, refused.get(3)));
    String laterKey = newKey();
    api.createNode("later6", "192.0.2.92", List.of("10.244.92.0/24", "fd00:92::/64"),
        Map.of(ANN, laterKey));
    Map<String, Exclusion.Reason> want = Map.of("twin", Exclusion.Reason.DUPLICATE_ENDPOINT,
        "wide", Exclusion.Reason.BAD_PREFIX, "wide6", Exclusion.Reason.BAD_PREFIX,
        "forger", Exclusion.Reason.NO_ADDRESS);
    for (int i = 0; i < 2; i++) {
      int me = i;
      await("node data judged on n" + i, WAIT, () -> {
        Map<String, Exclusion.Reason> got = nets.get(me).status().excluded().stream()
            .filter(e -> want.containsKey(e.nodeName()))
            .collect(Collectors.toMap(Exclusion::nodeName, Exclusion::reason));
        return got.equals(want) && peerNodes(me).containsAll(List.of("ll", "later6"));
      });
    }
    ClusterNetStatus status0 = nets.get(0).status();
    assertThat(status0.excluded()).filteredOn(e -> e.nodeName().equals("twin"))
        .singleElement().extracting(Exclusion::detail).asString().contains("n0 (this node)");
    PeerState ll = uapi.device(nodes.iface(0)).orElseThrow()
        .peer(PublicKey.fromBase64(llKey)).orElseThrow();
    assertThat(ll.endpoint().orElseThrow().toString()).isEqualTo("169.254.1.10:51820");
    for (int i = 0; i < 2; i++) { // the real devices have no peer for a refused node
      Set<PublicKey> keys = peerKeys(i);
      for (String k : refused) assertThat(keys).doesNotContain(PublicKey.fromBase64(k));
    }
    assertThat(uapi.device(nodes.iface(0)).orElseThrow().peer(PublicKey.fromBase64(laterKey))
        .orElseThrow().allowedIps()).extracting(Object::toString)
        .containsExactlyInAnyOrder("10.244.92.0/24", "fd00:92::/64");
    String text = status0.format();
    assertThat(text.lines().filter(l -> l.strip().startsWith("health:")).count())
        .as(text).isEqualTo(1);
    assertThat(text).contains("note: endpoint 169.254.1.10:51820 is link-local");
    for (String name : List.of("twin", "ll", "wide", "wide6", "forger", "later6")) {
      api.deleteNode(name);
    }
    assertThat(ping(0, 1)).isTrue();

    // n2's key changes on its Node: the others swap its peer; n2 notices and puts its own key
    // back, and they swap again.
    PublicKey real2 = nets.get(2).publicKey();
    PublicKey bogus = X25519.publicKey(X25519.generatePrivateKey());
    api.mergePatchNode("n2", "{\"metadata\":{\"annotations\":{\"" + ANN + "\":\"" + bogus + "\"}}}");
    await("swapped back to n2's real key", WAIT, () -> {
      try {
        return peerKeys(0).contains(real2) && !peerKeys(0).contains(bogus)
            && real2.toBase64().equals(api.nodeAnnotation("n2", ANN));
      } catch (Exception e) {
        return false;
      }
    });
    assertThat(ping(0, 2)).isTrue();

    // A stray peer added by hand is removed at the next resync.
    PublicKey stray = X25519.publicKey(X25519.generatePrivateKey());
    uapi.configure(nodes.iface(1), DeviceConfig.builder().peer(PeerConfig.builder(stray)
        .allowedIp(IpPrefix.parse("10.250.0.0/24")).build()).build());
    assertThat(peerKeys(1)).contains(stray);
    await("stray removed", WAIT, () -> {
      try {
        return !peerKeys(1).contains(stray);
      } catch (Exception e) {
        return false;
      }
    });

    // Deleting a real node removes its peer on the others.
    api.deleteNode("n2");
    await("n2 gone from n0", WAIT, () -> !peerNodes(0).contains("n2"));
    await("n2 gone from n1", WAIT, () -> !peerNodes(1).contains("n2"));
    assertThat(ping(0, 1)).isTrue();

    // Stopping removes what each service owns: daemons, addresses, routes.
    nodes.stopServices();
    for (int i = 0; i < NODES; i++) {
      assertThat(uapi.device(nodes.iface(i))).isEmpty();
      assertThat(nodes.links(i).routes(ClusterNet.ROUTE_PROTOCOL)).isEmpty();
    }
  }
}
