package io.clusternet.api.net;

import io.clusternet.props.Gens;
import java.net.InetAddress;
import java.net.UnknownHostException;
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

  /** Any IPv4 or IPv6 address, half of each. */
  public static Gen<InetAddress> addresses() {
    return Gens.anyOf(ipv4Bytes(), ipv6Bytes()).map(AddressGenerators::address);
  }

  /** Any prefix: an IPv4 or IPv6 address with any length from 0 to its bit count. */
  public static Gen<IpPrefix> prefixes() {
    return Gens.anyOf(ipv4Bytes(), ipv6Bytes()).flatMap(bytes -> Gens.ints(0, bytes.length * 8)
        .map(len -> IpPrefix.of(address(bytes), len)));
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
        dottedQuadPrefixText());
  }

  /** Text an endpoint parser must survive: arbitrary, and endpoint alphabet soup. */
  public static Gen<String> endpointishText() {
    return Gens.anyOf(anyText(), Gens.strings("0123456789abcdef.:[]%", 0, 48));
  }

  /** The address of 4 or 16 bytes. */
  public static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
