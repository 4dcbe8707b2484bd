package io.clusternet.core.mesh;

import static io.clusternet.core.mesh.MeshMapperTest.config;
import static io.clusternet.core.mesh.MeshMapperTest.key;
import static io.clusternet.core.mesh.MeshMapperTest.node;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pod CIDRs in address space that is never a pod network: loopback, multicast, link-local,
 * unspecified, broadcast, and the IPv4-mapped range. MeshMapper refuses such InternalIPs as
 * endpoints (NO_ADDRESS), but with no cluster CIDR configured (the builder's default) it accepted
 * all of these as a peer's allowed IPs (breaker session, 1 of 1, deterministic): the peer then
 * receives what this node sends into the interface to such addresses (for fe80::/64: every
 * link-local packet on the WireGuard interface; for 224.0.0.0/24: routing protocols' multicast)
 * and may send from them. Each should be BAD_PREFIX, as an over-wide claim is.
 */
class SpecialPodCidrTest {
  static final List<String> SPECIAL = List.of("127.0.0.0/24", "224.0.0.0/24", "169.254.0.0/24",
      "0.0.0.0/32", "255.255.255.255/32", "::/128", "::1/128", "fe80::/64", "ff02::/64",
      "::ffff:0:0/96");

  @Test
  void aPodCidrInSpecialAddressSpaceIsABadPrefix() throws Exception {
    MeshMapper.Config config = config();
    List<String> accepted = SPECIAL.stream().filter(cidr -> {
      DesiredMesh mesh = MeshMapper.map(List.of(node("n1", 1, key(), List.of("192.0.2.2"),
          List.of(cidr))), config);
      return mesh.excluded().stream().noneMatch(e -> e.reason() == Exclusion.Reason.BAD_PREFIX);
    }).toList();
    assertThat(accepted).as("special pod CIDRs accepted as allowed IPs").isEmpty();
  }
}
