package io.clusternet.core.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.core.keys.X25519;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.clusternet.props.Gens;
import io.clusternet.props.Props;
import org.junit.jupiter.api.Test;

class MeshMapperTest {
  static final String ANN = "clusternet.io/wireguard-public-key";
  static final PublicKey SELF = X25519.publicKey(X25519.generatePrivateKey());

  static MeshMapper.Config config() throws Exception {
    return new MeshMapper.Config("self", SELF, List.of(IpPrefix.parse("10.244.0.0/24")), ANN,
        51820, MeshMapper.AddressFamily.PREFER_IPV4, false, Duration.ZERO);
  }

  static String key() {
    return X25519.publicKey(X25519.generatePrivateKey()).toBase64();
  }

  static NodeInfo node(String name, int age, String key, List<String> ips, List<String> cidrs) {
    return new NodeInfo(name, Instant.ofEpochSecond(1_000_000 + age),
        key == null ? Map.of() : Map.of(ANN, key), ips, cidrs);
  }

  @Test
  void eachOtherNodeWithAKeyBecomesAPeer() throws Exception {
    String k1 = key();
    DesiredMesh mesh = MeshMapper.map(List.of(
        node("self", 0, SELF.toBase64(), List.of("192.0.2.1"), List.of("10.244.0.0/24")),
        node("n1", 1, k1, List.of("fd00::1", "192.0.2.2"), List.of("10.244.1.7/24", "fd00:244:1::/64"))),
        config());
    assertThat(mesh.excluded()).isEmpty();
    DesiredPeer p = mesh.peers().get(PublicKey.fromBase64(k1));
    assertThat(p.nodeName()).isEqualTo("n1");
    assertThat(p.endpoint().toString()).isEqualTo("192.0.2.2:51820"); // IPv4 preferred
    assertThat(p.allowedIps()).extracting(Object::toString)
        .containsExactly("10.244.1.0/24", "fd00:244:1::/64"); // canonical, sorted
  }

  @Test
  void familyPreferenceAndNodeAddress() throws Exception {
    String k1 = key();
    MeshMapper.Config c = config();
    MeshMapper.Config v6 = new MeshMapper.Config(c.selfName(), c.selfKey(), c.selfPodCidrs(),
        ANN, 51820, MeshMapper.AddressFamily.PREFER_IPV6, true, Duration.ofSeconds(25));
    DesiredPeer p = MeshMapper.map(List.of(node("n1", 1, k1, List.of("192.0.2.2", "fd00::2"),
        List.of("10.244.1.0/24"))), v6).peers().get(PublicKey.fromBase64(k1));
    assertThat(p.endpoint().toString()).isEqualTo("[fd00::2]:51820");
    assertThat(p.allowedIps()).extracting(Object::toString)
        .containsExactly("10.244.1.0/24", "fd00::2/128");
    assertThat(p.persistentKeepalive()).isEqualTo(Duration.ofSeconds(25));
  }

  @Test
  void badNodesAreExcludedWithTheirReasonAndDisturbNobody() throws Exception {
    String good = key();
    String dup = key();
    List<NodeInfo> nodes = List.of(
        node("good", 1, good, List.of("192.0.2.2"), List.of("10.244.1.0/24")),
        node("nokey", 2, null, List.of("192.0.2.3"), List.of("10.244.2.0/24")),
        node("badkey", 3, "not-a-key", List.of("192.0.2.4"), List.of("10.244.3.0/24")),
        node("noaddr", 4, key(), List.of("fd00::5", "garbage"), List.of("10.244.4.0/24")),
        node("badcidr", 5, key(), List.of("192.0.2.6"), List.of("10.244.5.0/33")),
        node("dup1", 6, dup, List.of("192.0.2.7"), List.of("10.244.6.0/24")),
        node("dup2", 7, dup, List.of("192.0.2.8"), List.of("10.244.7.0/24")),
        node("overlap", 8, key(), List.of("192.0.2.9"), List.of("10.244.1.128/25")),
        node("mine", 9, key(), List.of("192.0.2.10"), List.of("10.244.0.0/16")),
        node("ownkey", 10, SELF.toBase64(), List.of("192.0.2.11"), List.of("10.244.9.0/24")));
    MeshMapper.Config v4only = new MeshMapper.Config("self", SELF, config().selfPodCidrs(), ANN,
        51820, MeshMapper.AddressFamily.IPV4_ONLY, false, Duration.ZERO);
    DesiredMesh mesh = MeshMapper.map(nodes, v4only);
    assertThat(mesh.peers().values()).extracting(DesiredPeer::nodeName).containsExactly("good");
    assertThat(mesh.excluded()).extracting(Exclusion::nodeName, Exclusion::reason).containsExactly(
        org.assertj.core.groups.Tuple.tuple("badcidr", Exclusion.Reason.BAD_PREFIX),
        org.assertj.core.groups.Tuple.tuple("badkey", Exclusion.Reason.BAD_KEY),
        org.assertj.core.groups.Tuple.tuple("dup1", Exclusion.Reason.DUPLICATE_KEY),
        org.assertj.core.groups.Tuple.tuple("dup2", Exclusion.Reason.DUPLICATE_KEY),
        org.assertj.core.groups.Tuple.tuple("mine", Exclusion.Reason.OVERLAPPING_ALLOWED_IPS),
        org.assertj.core.groups.Tuple.tuple("noaddr", Exclusion.Reason.NO_ADDRESS),
        org.assertj.core.groups.Tuple.tuple("nokey", Exclusion.Reason.NO_KEY),
        org.assertj.core.groups.Tuple.tuple("overlap", Exclusion.Reason.OVERLAPPING_ALLOWED_IPS),
        org.assertj.core.groups.Tuple.tuple("ownkey", Exclusion.Reason.OWN_KEY));
    assertThat(mesh.excluded().stream().filter(e -> e.nodeName().equals("overlap")).findFirst()
        .orElseThrow().detail()).contains("10.244.1.0/24 of good");
  }

  @Test
  void theOlderNodeKeepsContestedAllowedIps() throws Exception {
    String older = key();
    String newer = key();
    DesiredMesh mesh = MeshMapper.map(List.of(
        node("zz-newer", 5, newer, List.of("192.0.2.3"), List.of("10.244.1.0/24")),
        node("aa-older", 1, older, List.of("192.0.2.2"), List.of("10.244.1.0/24"))), config());
    assertThat(mesh.peers().values()).extracting(DesiredPeer::nodeName).containsExactly("aa-older");
  }

  /** Kinds of bad node, as in {@link #oneBadNodeNeverChangesTheOthersPeers(int, int)}. */
  static final int BAD_NODE_KINDS = 12;

  @Test
  void oneBadNodeNeverChangesTheOthersPeers() {
    // 360 pairs in all: 400 draws try more than 100 distinct ones.
    Props.check(100, 400, Gens.ints(1, 30).zip(Gens.ints(0, BAD_NODE_KINDS - 1), List::of),
        nk -> oneBadNodeNeverChangesTheOthersPeers(nk.get(0), nk.get(1)));
  }

  private static void oneBadNodeNeverChangesTheOthersPeers(int n, int kind) throws Exception {
    List<NodeInfo> nodes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      nodes.add(node("n" + i, i, key(), List.of("192.0.2." + (i + 2)),
          List.of("10.244." + (i + 1) + ".0/24", "fd00:244:" + (i + 1) + "::/64")));
    }
    DesiredMesh before = MeshMapper.map(nodes, config());
    NodeInfo bad = switch (kind) {
      case 0 -> node("bad", 100, null, List.of("192.0.2.200"), List.of("10.245.0.0/24"));
      case 1 -> node("bad", 100, "###", List.of("192.0.2.200"), List.of("10.245.0.0/24"));
      case 2 -> node("bad", 100, key(), List.of(), List.of("10.245.0.0/24"));
      case 3 -> node("bad", 100, key(), List.of("192.0.2.200"), List.of("nonsense"));
      case 4 -> node("bad", 100, key(), List.of("192.0.2.200"), List.of("10.244.0.0/16"));
      case 6 -> node("bad", 100, key(), List.of("127.0.0.1"), List.of("10.245.0.0/24"));
      case 7 -> node("bad", 100, key(), List.of("224.0.0.5", "ff02::1"), List.of("10.245.0.0/24"));
      // Over-wide claims by the OLDEST node: they must not take anything from the others.
      case 8 -> node("bad", -1, key(), List.of("192.0.2.200"), List.of("10.245.0.0/24", "::/0"));
      case 9 -> node("bad", -1, key(), List.of("192.0.2.200"), List.of("10.96.0.0/12"));
      case 10 -> node("bad", 100, key(), List.of("192.0.2.2"), List.of("10.245.0.0/24"));
      case 11 -> node("bad", 100, key(), List.of("192.0.2.200\nhealth: healthy"),
          List.of("10.245.0.0/24"));
      default -> node("bad", 100, SELF.toBase64(), List.of("192.0.2.200"), List.of("10.245.0.0/24"));
    };
    nodes.add(bad);
    DesiredMesh after = MeshMapper.map(nodes, config());
    assertThat(after.peers()).isEqualTo(before.peers());
    assertThat(after.excluded()).extracting(Exclusion::nodeName).containsExactly("bad");
  }
}
