package io.clusternet.core.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.net.IpPrefix;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 10 in the mapper: claims of IPv4-mapped IPv6 prefixes are IPv6 claims, reported
 * as such (rendering one used to throw an unchecked exception); a mapped InternalIP, now an IPv6
 * address, is as usable as the IPv4 address it carries (a socket sends to that address).
 */
class MappedPrefixSetTest {
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "::ffff:127.0.0.1, UNUSABLE",
    "::ffff:224.0.0.5, UNUSABLE",
    "::ffff:0.0.0.0, UNUSABLE",
    "::ffff:0.1.2.3, UNUSABLE",
    "::ffff:255.255.255.255, UNUSABLE",
    "::ffff:169.254.1.10, LINK_LOCAL",
    "::ffff:198.51.100.11, ROUTABLE",
  })
  void aMappedInternalIpIsJudgedByTheIpv4AddressItCarries(String ip, MeshMapper.Usability u)
      throws Exception {
    assertThat(MeshMapper.usability(IpPrefix.parse(ip + "/128").address())).isEqualTo(u);
  }

  @Test
  void aMappedClaimOverlapsOnlyIpv6AndIsReportedAsItIs() throws Exception {
    PrefixSet set = new PrefixSet();
    set.add(IpPrefix.parse("::ffff:0.0.0.0/96"), "a");
    assertThat(set.overlap(IpPrefix.parse("::ffff:192.0.2.0/120")))
        .isEqualTo("::ffff:0.0.0.0/96 of a");
    assertThat(set.overlap(IpPrefix.parse("192.0.2.0/24"))).isNull();
    assertThat(set.overlap(IpPrefix.parse("0.0.0.0/0"))).isNull();
  }
}
