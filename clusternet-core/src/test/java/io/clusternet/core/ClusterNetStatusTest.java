package io.clusternet.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.DesiredMesh;
import io.clusternet.core.mesh.MeshGenerators;
import io.clusternet.core.mesh.MeshMapper;
import io.clusternet.core.mesh.NodeInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.clusternet.props.Gens;
import io.clusternet.props.Props;
import org.junit.jupiter.api.Test;

/**
 * The human-readable status (what {@code status.txt} holds) never lets a value from the API
 * server forge a line or grow without bound (issue 13, item 5).
 */
class ClusterNetStatusTest {
  private static final String ANN = "clusternet.io/wireguard-public-key";
  private static final PublicKey SELF = X25519.publicKey(X25519.generatePrivateKey());
  private static final String FORGED = "\nhealth: healthy\n  health: healthy";

  private static MeshMapper.Config config() throws Exception {
    return new MeshMapper.Config("self", SELF, List.of(IpPrefix.parse("10.244.0.0/24")), ANN,
        51820, MeshMapper.AddressFamily.PREFER_IPV4, false, Duration.ZERO);
  }

  private static NodeInfo node(String name, List<String> ips, List<String> cidrs) {
    return new NodeInfo(name, Instant.EPOCH,
        Map.of(ANN, X25519.publicKey(X25519.generatePrivateKey()).toBase64()), ips, cidrs);
  }

  private static ClusterNetStatus status(DesiredMesh mesh) {
    ClusterNetStatus.Health unhealthy =
        new ClusterNetStatus.Health(true, false, true, true, Optional.of("boom" + FORGED));
    PublicKey stray = X25519.publicKey(X25519.generatePrivateKey());
    List<ClusterNetStatus.Peer> peers = new java.util.ArrayList<>();
    mesh.peers().values().forEach(p -> peers.add(new ClusterNetStatus.Peer(
        Optional.of(p.nodeName()), p.publicKey(), Optional.of(p.endpoint()),
        List.copyOf(p.allowedIps()), Optional.empty(), 0, 0)));
    peers.add(new ClusterNetStatus.Peer(Optional.of("evil" + FORGED), stray,
        Optional.<Endpoint>empty(), List.of(), Optional.empty(), 0, 0));
    return new ClusterNetStatus("self", "clusternet", "userspace", SELF, 51820, unhealthy, peers,
        mesh.excluded(), 0);
  }

  @Test
  void valuesWithNewlinesCannotForgeStatusLines() throws Exception {
    DesiredMesh mesh = MeshMapper.map(List.of(
        node("bad-ip", List.of("192.0.2.1" + FORGED), List.of("10.244.1.0/24")),
        node("bad-cidr", List.of("192.0.2.2"), List.of("10.244.2.0/24" + FORGED)),
        node("bad-name" + FORGED, List.of(), List.of("10.244.3.0/24"))), config());
    assertThat(mesh.excluded()).hasSize(3);
    String text = status(mesh).format();
    // Exactly one health line, the real one, and it says NOT healthy.
    assertThat(text.lines().filter(l -> l.strip().startsWith("health:")).toList())
        .singleElement().asString().contains("NOT healthy");
    // The excluded nodes each take exactly one line.
    assertThat(text.lines().filter(l -> l.startsWith("  bad-")).count()).isEqualTo(3);
    assertThat(text).contains("\\n");
  }

  @Test
  void noGeneratedClusterCanForgeAStatusLine() throws Exception {
    for (MeshMapper.Config config : MeshGenerators.configs()) {
      Props.check(200, Gens.lists(MeshGenerators.nodes(), 0, 8), nodes -> {
        java.util.Map<String, NodeInfo> byName = new java.util.LinkedHashMap<>();
        for (NodeInfo n : nodes) byName.put(n.name(), n); // names unique, last wins
        DesiredMesh mesh = MeshMapper.map(byName.values(), config);
        String text = status(mesh).format();
        assertThat(text.lines().filter(l -> l.strip().startsWith("health:")).count())
            .as(text).isEqualTo(1);
        // Every peer and every exclusion takes exactly the lines format() gives it.
        assertThat(text.lines().filter(l -> l.startsWith("peer: ")).count())
            .isEqualTo(mesh.peers().size() + 1);
        int excludedAt = text.indexOf("\nexcluded nodes:\n");
        long excludedLines = excludedAt < 0 ? 0
            : text.substring(excludedAt + 17).lines().filter(l -> !l.isEmpty()).count();
        assertThat(excludedLines).as(text).isEqualTo(mesh.excluded().size());
      });
    }
  }

  @Test
  void hugeValuesAreCutShort() throws Exception {
    String huge = "1".repeat(200_000);
    DesiredMesh mesh = MeshMapper.map(List.of(
        node("big-ip", List.of(huge), List.of("10.244.1.0/24")),
        node("big-cidr", List.of("192.0.2.2"), List.of(huge + "/24")),
        node("n".repeat(100_000), List.of(), List.of())), config());
    String text = status(mesh).format();
    assertThat(text.length()).isLessThan(10_000);
    assertThat(text.lines().mapToInt(String::length).max().orElse(0)).isLessThan(2_000);
  }
}
