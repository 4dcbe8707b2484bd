package io.clusternet.api.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 13 item 10: an IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}) is an IPv6 address in
 * WireGuard (its allowed-IP table keeps it in the IPv6 trie), so it stays one here, from text and
 * from bytes. Java's {@code InetAddress.getByAddress} would silently turn it into IPv4.
 */
class MappedAddressTest {
  static final byte[] MAPPED = HexFormat.of().parseHex("00000000000000000000ffffc0000201");

  @ParameterizedTest
  @CsvSource({
    "::ffff:192.0.2.1/128, ::ffff:192.0.2.1/128",
    "::FFFF:192.0.2.1/128, ::ffff:192.0.2.1/128",
    "::ffff:c000:201/128, ::ffff:192.0.2.1/128",
    "0:0:0:0:0:ffff:192.0.2.1/128, ::ffff:192.0.2.1/128",
    "::ffff:0.0.0.0/96, ::ffff:0.0.0.0/96",
    "::ffff:192.0.2.77/120, ::ffff:192.0.2.0/120",
  })
  void aMappedPrefixStaysIpv6AndFormatsAsGoAndRfc5952Do(String text, String canonical)
      throws Exception {
    IpPrefix p = IpPrefix.parse(text);
    assertThat(p.isIpv4()).isFalse();
    assertThat(p.addressBytes()).hasSize(16);
    assertThat(p.address()).isInstanceOf(Inet6Address.class);
    assertThat(p.toString()).isEqualTo(canonical);
    assertThat(IpPrefix.parse(p.toString())).isEqualTo(p);
    assertThat(p).isNotEqualTo(IpPrefix.parse("192.0.2.0/24"));
    assertThat(p.overlaps(IpPrefix.parse("192.0.0.0/8"))).as("different families").isFalse();
  }

  @Test
  void fromBytesKeepsTheFamily() {
    InetAddress a = IpAddresses.fromBytes(MAPPED);
    assertThat(a).isInstanceOf(Inet6Address.class);
    assertThat(a.getAddress()).isEqualTo(MAPPED);
    assertThat(IpPrefix.of(a, 128).toString()).isEqualTo("::ffff:192.0.2.1/128");
    assertThat(IpPrefix.host(a).length()).isEqualTo(128);
    assertThat(IpAddresses.fromBytes(new byte[] {10, 0, 0, 1}).getAddress()).hasSize(4);
    assertThatThrownBy(() -> IpAddresses.fromBytes(new byte[5]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMappedEndpointStaysIpv6() throws Exception {
    Endpoint e = Endpoint.parse("[::ffff:192.0.2.1]:51820");
    assertThat(e.isIpv4()).isFalse();
    assertThat(e.toString()).isEqualTo("[::ffff:192.0.2.1]:51820");
    assertThat(Endpoint.parse(e.toString())).isEqualTo(e);
    assertThat(e).isNotEqualTo(Endpoint.parse("192.0.2.1:51820"));
    Endpoint fromBytes = Endpoint.of(IpAddresses.fromBytes(MAPPED), 51820);
    assertThat(fromBytes).isEqualTo(e);
    assertThat(fromBytes.address().getAddress()).hasSize(16);
  }

  @Test
  void aMappedInterfaceAddressStaysIpv6() throws Exception {
    InterfaceAddress a = InterfaceAddress.parse("::ffff:192.0.2.1/128");
    assertThat(a.isIpv4()).isFalse();
    assertThat(a.toString()).isEqualTo("::ffff:192.0.2.1/128");
    assertThat(InterfaceAddress.of(IpAddresses.fromBytes(MAPPED), 128)).isEqualTo(a);
  }
}
