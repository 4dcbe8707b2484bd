package io.clusternet.core.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.net.IpPrefix;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 10 in the mapper's overlap index: claims of IPv4-mapped IPv6 prefixes are IPv6
 * claims, reported as such (rendering one used to throw an unchecked exception).
 */
class MappedPrefixSetTest {
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
