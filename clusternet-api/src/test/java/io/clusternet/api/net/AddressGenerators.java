package io.clusternet.api.net;

import io.clusternet.props.Gens;
import java.net.InetAddress;
import java.util.stream.Collectors;
import org.quicktheories.core.Gen;

/**
 * Generators of addresses, prefixes and address-like text for property tests. Each form is its
 * own method, so that a new form (IPv4-mapped IPv6, scoped literals, ...) is one more method
 * joined into the {@code ...Text()} mixes.
 */
public final class AddressGenerators {
  private AddressGenerators() {}

  /** The 4 bytes of an IPv4 address, any value (edges: 0.0.0.0, 255.255.255.255, ...). */
  public static Gen<byte[]> ipv4Bytes() {
    return Gens.bytes(4);
  }

  /** The 16 bytes of an IPv6 address, any value (edges: ::, ffff:..., ...). */
  public static Gen<byte[]> ipv6Bytes() {
    return Gens.bytes(16);
  }

  /**
   * The 16 bytes of an IPv4-mapped IPv6 address, {@code ::ffff:a.b.c.d}, any IPv4 part: IPv6 in
   * WireGuard, IPv4 to {@code InetAddress.getByAddress} (issue 13 item 10).
   */
  public static Gen<byte[]> ipv4MappedBytes() {
    return ipv4Bytes().map(v4 -> {
      byte[] b = new byte[16];
      b[10] = (byte) 0xff;
      b[11] = (byte) 0xff;
      System.arraycopy(v4, 0, b, 12, 4);
      return b;
    });
  }

  /** Any IPv4, IPv6 or IPv4-mapped IPv6 address, a third of each. */
  public static Gen<InetAddress> addresses() {
    return Gens.anyOf(ipv4Bytes(), ipv6Bytes(), ipv4MappedBytes())
        .map(AddressGenerators::address);
  }

  /**
   * Any prefix: an IPv4, IPv6 or IPv4-mapped IPv6 address with any length from 0 to its bit
   * count.
   */
  public static Gen<IpPrefix> prefixes() {
    return Gens.anyOf(ipv4Bytes(), ipv6Bytes(), ipv4MappedBytes())
        .flatMap(bytes -> Gens.ints(0, bytes.length * 8)
            .map(len -> IpPrefix.of(address(bytes), len)));
  }

  /** {@code ::ffff:} forms: mixed ("::ffff:1.2.300.4/128") and all-hex ("::ffff:c000:201/96"). */
  public static Gen<String> mappedPrefixText() {
    Gen<String> mixed = dottedQuadPrefixText().zip(Gens.ints(-1, 130),
        (quadAndLength, len) -> "::ffff:" + quadAndLength.substring(0, quadAndLength.indexOf('/'))
            + "/" + len);
    Gen<String> hex = Gens.strings("0123456789abcdef", 1, 4).zip(
        Gens.strings("0123456789abcdef", 1, 4), Gens.ints(90, 129),
        (hi, lo, len) -> "::ffff:" + hi + ":" + lo + "/" + len);
    return Gens.anyOf(mixed, hex);
  }

  /** Scoped IPv6 literals: "fe80::1%eth0", with empty, numeric and odd zones. */
  public static Gen<String> scopedText() {
    return Gens.oneOf("fe80::1", "fe80::", "::ffff:192.0.2.1", "2001:db8::1", "1.2.3.4")
        .zip(Gens.strings("02eth.-%]:[ ", 0, 8), (a, zone) -> a + "%" + zone);
  }

  /** Arbitrary text, up to 50 code points of all of Unicode. */
  public static Gen<String> anyText() {
    return Gens.strings(50);
  }

  /** Dotted quads with parts from -5 to 300 and a length from -1 to 40 ("1.2.300.-5/33"). */
  public static Gen<String> dottedQuadPrefixText() {
    return Gens.lists(Gens.ints(-5, 300), 4, 4).zip(Gens.ints(-1, 40),
        (parts, len) -> parts.stream().map(String::valueOf).collect(Collectors.joining("."))
            + "/" + len);
  }

  /** Text a prefix parser must survive: arbitrary, prefix alphabet soup, and near-miss quads. */
  public static Gen<String> prefixishText() {
    return Gens.anyOf(anyText(), Gens.strings("0123456789abcdef.:/%", 0, 45),
        dottedQuadPrefixText(), mappedPrefixText(),
        scopedText().zip(Gens.ints(-1, 130), (a, len) -> a + "/" + len));
  }

  /**
   * Text an endpoint parser must survive: arbitrary, endpoint alphabet soup, and bracketed
   * IPv4-mapped and scoped addresses with ports.
   */
  public static Gen<String> endpointishText() {
    Gen<String> port = Gens.oneOf("1", "51820", "65535", "0", "65536", "", "x");
    Gen<String> mapped = mappedPrefixText().map(t -> t.substring(0, t.indexOf('/')));
    return Gens.anyOf(anyText(), Gens.strings("0123456789abcdef.:[]%", 0, 48),
        Gens.anyOf(mapped, scopedText()).zip(port, (a, p) -> "[" + a + "]:" + p));
  }

  /** The address of 4 or 16 bytes; 16 bytes stay IPv6, also when IPv4-mapped. */
  public static InetAddress address(byte[] bytes) {
    return IpAddresses.fromBytes(bytes);
  }
}
