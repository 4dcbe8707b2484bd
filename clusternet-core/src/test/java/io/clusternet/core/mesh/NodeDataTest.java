package io.clusternet.core.mesh;

import static io.clusternet.core.mesh.MeshMapperTest.config;
import static io.clusternet.core.mesh.MeshMapperTest.key;
import static io.clusternet.core.mesh.MeshMapperTest.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PublicKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Node data as real clusters produce it (issue 13, items 1-4): link-local and unusable
 * InternalIPs, shared InternalIPs, over-wide pod CIDRs. Each case failed before its fix.
 */
class NodeDataTest {

  private static DesiredPeer peerOf(DesiredMesh mesh, String key) throws Exception {
    return mesh.peers().get(PublicKey.fromBase64(key));
  }

  private static Exclusion exclusionOf(DesiredMesh mesh, String name) {
    return mesh.excluded().stream().filter(e -> e.nodeName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(name + " is not excluded: " + mesh));
  }

  // 1. Link-local first: the routable address wins, whatever the order.

  @Test
  void aLinkLocalInternalIpListedFirstLosesToARoutableOne() throws Exception {
    String k = key();
    DesiredMesh mesh = MeshMapper.map(List.of(node("n1", 1, k,
        List.of("169.254.1.10", "198.51.100.11"), List.of("10.244.1.0/24"))), config());
    assertThat(peerOf(mesh, k).endpoint().toString()).isEqualTo("198.51.100.11:51820");
  }

  @Test
  void aRoutableAddressOfTheOtherFamilyBeatsALinkLocalOneOfThePreferredFamily() throws Exception {
    String k = key();
    DesiredMesh mesh = MeshMapper.map(List.of(node("n1", 1, k,
        List.of("169.254.1.10", "fd00::11"), List.of("10.244.1.0/24"))), config());
    assertThat(peerOf(mesh, k).endpoint().toString()).isEqualTo("[fd00::11]:51820");
  }

  @Test
  void aLinkLocalEndpointIsUsedOnlyForWantOfARoutableOneAndSaysSo() throws Exception {
    String k = key();
    DesiredMesh mesh = MeshMapper.map(List.of(node("n1", 1, k,
        List.of("127.0.0.1", "169.254.1.10"), List.of("10.244.1.0/24"))), config());
    DesiredPeer p = peerOf(mesh, k);
    assertThat(p.endpoint().toString()).isEqualTo("169.254.1.10:51820");
    assertThat(p.note()).hasValueSatisfying(n -> assertThat(n).contains("link-local")
        .contains("169.254.1.10"));
    String routable = key();
    DesiredPeer q = peerOf(MeshMapper.map(List.of(node("n2", 1, routable,
        List.of("192.0.2.2"), List.of("10.244.2.0/24"))), config()), routable);
    assertThat(q.note()).isEmpty();
  }

  @Test
  void anIpv4OnlyMeshTakesALinkLocalIpv4OverARoutableIpv6() throws Exception {
    String k = key();
    MeshMapper.Config c = config();
    MeshMapper.Config v4only = new MeshMapper.Config(c.selfName(), c.selfKey(), c.selfPodCidrs(),
        c.annotationKey(), 51820, MeshMapper.AddressFamily.IPV4_ONLY, false,
        java.time.Duration.ZERO);
    DesiredMesh mesh = MeshMapper.map(List.of(node("n1", 1, k,
        List.of("fd00::11", "169.254.1.10"), List.of("10.244.1.0/24"))), v4only);
    assertThat(peerOf(mesh, k).endpoint().toString()).isEqualTo("169.254.1.10:51820");
  }

  // 2. Unusable InternalIPs: a node with nothing else is excluded as having no usable address.

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1", "224.0.0.5", "239.255.255.250",
      "ff02::1", "0.0.0.0", "::", "255.255.255.255", "0.1.2.3"})
  void aNodeWithOnlyAnUnusableInternalIpIsExcluded(String ip) throws Exception {
    DesiredMesh mesh = MeshMapper.map(List.of(node("n1", 1, key(), List.of(ip),
        List.of("10.244.1.0/24"))), config());
    assertThat(mesh.peers()).isEmpty();
    assertThat(exclusionOf(mesh, "n1").reason()).isEqualTo(Exclusion.Reason.NO_ADDRESS);
    assertThat(exclusionOf(mesh, "n1").detail()).contains("\"" + ip + "\" (");
  }

  @Test
  void anUnusableInternalIpListedFirstIsSkipped() throws Exception {
    String k = key();
    DesiredMesh mesh = MeshMapper.map(List.of(node("n1", 1, k,
        List.of("127.0.0.1", "224.0.0.5", "192.0.2.7"), List.of("10.244.1.0/24"))), config());
    assertThat(peerOf(mesh, k).endpoint().toString()).isEqualTo("192.0.2.7:51820");
  }

  // 3. Two nodes with the same InternalIP: the older keeps the endpoint.

  @Test
  void theOlderOfTwoNodesWithTheSameEndpointKeepsIt() throws Exception {
    String older = key();
    String newer = key();
    DesiredMesh mesh = MeshMapper.map(List.of(
        node("zz-older", 1, older, List.of("192.0.2.15"), List.of("10.244.1.0/24")),
        node("aa-newer", 2, newer, List.of("192.0.2.15"), List.of("10.244.2.0/24"))), config());
    assertThat(mesh.peers().values()).extracting(DesiredPeer::nodeName)
        .containsExactly("zz-older");
    assertThat(mesh.excluded()).extracting(Exclusion::nodeName).containsExactly("aa-newer");
    assertThat(exclusionOf(mesh, "aa-newer").reason())
        .isEqualTo(Exclusion.Reason.DUPLICATE_ENDPOINT);
    assertThat(exclusionOf(mesh, "aa-newer").detail())
        .isEqualTo("endpoint 192.0.2.15:51820 is already zz-older's (an older node)");
  }

  @Test
  void noOtherNodeMayHaveOneOfOurOwnInternalIpsAsItsEndpoint() throws Exception {
    String other = key();
    MeshMapper.Config c = config().withSelfInternalIps(List.of("192.0.2.1", "fd00::1", "junk"));
    DesiredMesh mesh = MeshMapper.map(List.of(
        node("self", 0, MeshMapperTest.SELF.toBase64(), List.of("192.0.2.1"), List.of()),
        node("twin", 1, key(), List.of("192.0.2.1"), List.of("10.244.1.0/24")),
        node("twin6", 2, key(), List.of("fd00::1"), List.of("10.244.2.0/24")),
        node("other", 3, other, List.of("192.0.2.3"), List.of("10.244.3.0/24"))), c);
    assertThat(mesh.peers().values()).extracting(DesiredPeer::nodeName).containsExactly("other");
    assertThat(exclusionOf(mesh, "twin").reason()).isEqualTo(Exclusion.Reason.DUPLICATE_ENDPOINT);
    assertThat(exclusionOf(mesh, "twin").detail())
        .isEqualTo("endpoint 192.0.2.1:51820 is already self (this node)'s");
    assertThat(exclusionOf(mesh, "twin6").reason())
        .isEqualTo(Exclusion.Reason.DUPLICATE_ENDPOINT);
    MeshState state = new MeshState(c);
    state.sync(List.of(node("twin", 1, key(), List.of("192.0.2.1"), List.of("10.244.1.0/24"))));
    assertThat(state.mesh().peers()).isEmpty();
  }

  @Test
  void whenTheEndpointsHolderLeavesTheNextOldestTakesIt() throws Exception {
    NodeInfo a = node("a", 1, key(), List.of("192.0.2.15"), List.of("10.244.1.0/24"));
    NodeInfo b = node("b", 2, key(), List.of("192.0.2.15"), List.of("10.244.2.0/24"));
    NodeInfo c = node("c", 3, key(), List.of("192.0.2.15"), List.of("10.244.3.0/24"));
    MeshState state = new MeshState(config());
    assertThat(state.sync(List.of(a, b, c)).peers().values()).extracting(DesiredPeer::nodeName)
        .containsExactly("a");
    DesiredMesh after = state.update(List.of(), List.of("a"));
    assertThat(after.peers().values()).extracting(DesiredPeer::nodeName).containsExactly("b");
    assertThat(after).isEqualTo(ReferenceMapper.map(List.of(b, c), config()));
    // b moves to its own address: c takes the shared one.
    NodeInfo bMoved = node("b", 2, b.annotations().get(MeshMapperTest.ANN),
        List.of("192.0.2.16"), List.of("10.244.2.0/24"));
    after = state.update(List.of(bMoved), List.of());
    assertThat(after.peers().values()).extracting(DesiredPeer::nodeName)
        .containsExactlyInAnyOrder("b", "c");
    assertThat(after.excluded()).isEmpty();
  }

  @Test
  void aNodeWithAnOlderNodesEndpointAndOverlappingRangesIsExcludedForTheRanges()
      throws Exception {
    DesiredMesh mesh = MeshMapper.map(List.of(
        node("older", 1, key(), List.of("192.0.2.15"), List.of("10.244.1.0/24")),
        node("newer", 2, key(), List.of("192.0.2.15"), List.of("10.244.1.0/25"))), config());
    assertThat(exclusionOf(mesh, "newer").reason())
        .isEqualTo(Exclusion.Reason.OVERLAPPING_ALLOWED_IPS);
  }

  // 4. Over-wide pod CIDRs, with no cluster CIDR configured.

  @Test
  void aNodeClaimingAllOfIpv6IsExcludedAndExcludesNobody() throws Exception {
    String later = key();
    DesiredMesh mesh = MeshMapper.map(List.of(
        node("wide", 1, key(), List.of("192.0.2.2"), List.of("10.244.1.0/24", "::/0")),
        node("later", 2, later, List.of("192.0.2.3"),
            List.of("10.244.2.0/24", "fd00:244:2::/64"))), config());
    assertThat(mesh.peers().values()).extracting(DesiredPeer::nodeName).containsExactly("later");
    assertThat(mesh.excluded()).extracting(Exclusion::nodeName).containsExactly("wide");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0/0", "10.96.0.0/12", "10.0.0.0/8", "::/0", "fd00::/8",
      "2001:db8::/32"})
  void anOverWidePodCidrIsRefused(String cidr) throws Exception {
    DesiredMesh mesh = MeshMapper.map(List.of(node("wide", 1, key(), List.of("192.0.2.2"),
        List.of(cidr))), config());
    assertThat(mesh.peers()).isEmpty();
    assertThat(exclusionOf(mesh, "wide").reason()).isEqualTo(Exclusion.Reason.BAD_PREFIX);
  }

  @Test
  void aWideButValidClaimIsKeptWithALowerMinimum() throws Exception {
    String k = key();
    MeshMapper.Config c = config().withPodCidrLimits(List.of(), 8, 32);
    DesiredMesh mesh = MeshMapper.map(List.of(node("n1", 1, k, List.of("192.0.2.2"),
        List.of("11.0.0.0/8", "2001:db8::/32"))), c);
    assertThat(mesh.excluded()).isEmpty();
    MeshMapper.Config zero = config().withPodCidrLimits(List.of(), 1, 1);
    assertThat(exclusionOf(MeshMapper.map(List.of(node("n1", 1, k, List.of("192.0.2.2"),
        List.of("0.0.0.0/0"))), zero), "n1").reason()).isEqualTo(Exclusion.Reason.BAD_PREFIX);
  }

  // 4. Over-wide pod CIDRs, with cluster CIDRs configured: inside them, per family.

  @Test
  void podCidrsMustLieInsideTheClusterCidrsOfTheirFamily() throws Exception {
    MeshMapper.Config c = config().withPodCidrLimits(
        List.of(io.clusternet.api.net.IpPrefix.parse("10.244.0.0/16")), 16, 48);
    String inside = key();
    String v6 = key();
    DesiredMesh mesh = MeshMapper.map(List.of(
        node("service-net", 1, key(), List.of("192.0.2.2"), List.of("10.96.0.0/12")),
        node("outside", 2, key(), List.of("192.0.2.3"), List.of("10.245.1.0/24")),
        node("whole", 3, key(), List.of("192.0.2.4"), List.of("10.0.0.0/8")),
        node("inside", 4, inside, List.of("192.0.2.5"), List.of("10.244.5.0/24")),
        // No IPv6 cluster CIDR: the minimum length rules IPv6 claims.
        node("v6", 5, v6, List.of("192.0.2.6"), List.of("10.244.6.0/24", "fd00:6::/64")),
        node("v6-wide", 6, key(), List.of("192.0.2.7"), List.of("10.244.7.0/24", "fd00::/8"))),
        c);
    assertThat(mesh.peers().values()).extracting(DesiredPeer::nodeName)
        .containsExactlyInAnyOrder("inside", "v6");
    assertThat(mesh.excluded()).extracting(Exclusion::nodeName, Exclusion::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("outside", Exclusion.Reason.BAD_PREFIX),
            org.assertj.core.groups.Tuple.tuple("service-net", Exclusion.Reason.BAD_PREFIX),
            org.assertj.core.groups.Tuple.tuple("v6-wide", Exclusion.Reason.BAD_PREFIX),
            org.assertj.core.groups.Tuple.tuple("whole", Exclusion.Reason.BAD_PREFIX));
    assertThat(exclusionOf(mesh, "outside").detail())
        .isEqualTo("pod CIDR 10.245.1.0/24 lies outside the cluster CIDRs [10.244.0.0/16]");
  }

  @Test
  void theConfigRefusesMinimumsOutOfRange() throws Exception {
    for (int[] bad : new int[][] {{0, 48}, {33, 48}, {16, 0}, {16, 129}}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> config().withPodCidrLimits(List.of(), bad[0], bad[1]))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
