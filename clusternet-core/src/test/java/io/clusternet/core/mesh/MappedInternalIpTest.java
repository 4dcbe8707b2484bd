package io.clusternet.core.mesh;

import static io.clusternet.core.mesh.MeshMapperTest.config;
import static io.clusternet.core.mesh.MeshMapperTest.key;
import static io.clusternet.core.mesh.MeshMapperTest.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PublicKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An InternalIP written as an IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.15}) is the IPv4
 * address it carries: Kubernetes reads it so (net.ParseIP, To4), and MeshMapper already judges its
 * usability by the IPv4 address. Found by the breaker session: the mapped form was kept as the
 * endpoint, so (1) two nodes with the same address, one written mapped, were both programmed with
 * it (the DUPLICATE_ENDPOINT check of issue 13 item 3 compared the two forms as different), (2) a
 * node using our own InternalIP in mapped form was not refused, (3) a mapped link-local address
 * got no link-local note, and (4) the endpoint does not work on real wireguard-go
 * (v0.0.20220316): with endpoint {@code [::ffff:192.0.2.102]:51820} it logs "Failed to send
 * handshake initiation: network is unreachable" and a ping through the tunnel gets 0 of 3
 * replies; with {@code 192.0.2.102:51820} on the same two namespaces, 3 of 3.
 */
class MappedInternalIpTest {

  @Test
  void aMappedInternalIpIsUsedAsTheIpv4EndpointItCarries() throws Exception {
    String k = key();
    DesiredMesh mesh = MeshMapper.map(List.of(node("n1", 1, k, List.of("::ffff:192.0.2.15"),
        List.of("10.244.1.0/24"))), config());
    assertThat(mesh.peers().get(PublicKey.fromBase64(k)).endpoint().toString())
        .isEqualTo("192.0.2.15:51820");
  }

  @Test
  void aMappedInternalIpAndItsIpv4FormAreOneEndpoint() throws Exception {
    DesiredMesh mesh = MeshMapper.map(List.of(
        node("n1", 1, key(), List.of("192.0.2.15"), List.of("10.244.1.0/24")),
        node("n2", 2, key(), List.of("::ffff:192.0.2.15"), List.of("10.244.2.0/24"))), config());
    assertThat(mesh.peers().values()).extracting(DesiredPeer::nodeName).containsExactly("n1");
    assertThat(mesh.excluded()).singleElement().satisfies(e -> {
      assertThat(e.nodeName()).isEqualTo("n2");
      assertThat(e.reason()).isEqualTo(Exclusion.Reason.DUPLICATE_ENDPOINT);
    });
  }

  @Test
  void ourOwnInternalIpInMappedFormIsNoOtherNodesEndpoint() throws Exception {
    DesiredMesh mesh = MeshMapper.map(List.of(
        node("n2", 2, key(), List.of("::ffff:192.0.2.1"), List.of("10.244.2.0/24"))),
        config().withSelfInternalIps(List.of("192.0.2.1")));
    assertThat(mesh.peers()).isEmpty();
    assertThat(mesh.excluded()).singleElement()
        .extracting(Exclusion::reason).isEqualTo(Exclusion.Reason.DUPLICATE_ENDPOINT);
  }

  @Test
  void aMappedLinkLocalInternalIpCarriesTheLinkLocalNote() throws Exception {
    String k = key();
    DesiredMesh mesh = MeshMapper.map(List.of(node("n1", 1, k, List.of("::ffff:169.254.1.10"),
        List.of("10.244.1.0/24"))), config());
    assertThat(mesh.peers().get(PublicKey.fromBase64(k)).note()).isPresent();
  }
}
