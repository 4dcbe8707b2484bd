package io.clusternet.api.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IPv4 or IPv6 prefix (CIDR), always canonical: the host bits are zero, so {@code
 * 10.1.2.3/8} becomes {@code 10.0.0.0/8} and two prefixes that cover the same addresses are
 * equal. Immutable; ordered IPv4 first, then by address, then by length. An IPv4-mapped IPv6
 * prefix such as {@code ::ffff:192.0.2.1/128} is IPv6, as in WireGuard: it neither equals nor
 * overlaps any IPv4 prefix.
 */
public final class IpPrefix implements Comparable<IpPrefix> {
  private final byte[] address; // masked, 4 or 16 bytes
  private final int length;

  private IpPrefix(byte[] address, int length) {
    this.address = address;
    this.length = length;
  }

  /**
   * Parses {@code address/length}, such as {@code 10.244.1.0/24} or {@code fd00:1::/64}. Host
   * bits are masked away. A bare address without {@code /length} is rejected; use {@link
   * #host(InetAddress)} for that.
   */
  public static IpPrefix parse(String text) throws AddressFormatException {
    Objects.requireNonNull(text, "text");
    int slash = text.indexOf('/');
    if (slash < 0) throw new AddressFormatException(text, "IP prefix (missing /length)");
    InetAddress address = Literals.parse(text.substring(0, slash));
    if (address == null) throw new AddressFormatException(text, "IP prefix (not an IP address)");
    String len = text.substring(slash + 1);
    if (len.isEmpty() || len.length() > 3 || !Literals.allDigits(len)
        || (len.length() > 1 && len.charAt(0) == '0')) {
      throw new AddressFormatException(text, "IP prefix (bad length)");
    }
    int length = Integer.parseInt(len);
    int max = address.getAddress().length * 8;
    if (length > max) {
      throw new AddressFormatException(text, "IP prefix (length above " + max + ")");
    }
    return new IpPrefix(mask(address.getAddress(), length), length);
  }

  /** The prefix of {@code address} of {@code length} bits, host bits masked. */
  public static IpPrefix of(InetAddress address, int length) {
    byte[] bytes = address.getAddress();
    if (length < 0 || length > bytes.length * 8) {
      throw new IllegalArgumentException(
          "prefix length " + length + " out of range for " + Literals.format(address));
    }
    return new IpPrefix(mask(bytes, length), length);
  }

  /** The single-address prefix: {@code /32} for IPv4, {@code /128} for IPv6. */
  public static IpPrefix host(InetAddress address) {
    return of(address, address.getAddress().length * 8);
  }

  private static byte[] mask(byte[] bytes, int length) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, length - i * 8));
      out[i] &= (byte) (0xff << (8 - keep));
    }
    return out;
  }

  /** The network address (host bits zero). */
  public InetAddress address() {
    return IpAddresses.fromBytes(address);
  }

  /** The network address's bytes (4 or 16), a copy. */
  public byte[] addressBytes() {
    return address.clone();
  }

  public int length() {
    return length;
  }

  public boolean isIpv4() {
    return address.length == 4;
  }

  /** Whether {@code other} lies entirely within this prefix. */
  public boolean contains(IpPrefix other) {
    return other.address.length == address.length
        && other.length >= length
        && Arrays.equals(mask(other.address, length), address);
  }

  /** Whether {@code address} lies within this prefix. */
  public boolean contains(InetAddress address) {
    return contains(host(address));
  }

  /** Whether the two prefixes share any address (one contains the other). */
  public boolean overlaps(IpPrefix other) {
    return contains(other) || other.contains(this);
  }

  @Override
  public int compareTo(IpPrefix other) {
    int c = Integer.compare(address.length, other.address.length);
    if (c != 0) return c;
    c = Arrays.compareUnsigned(address, other.address);
    return c != 0 ? c : Integer.compare(length, other.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpPrefix other && length == other.length
        && Arrays.equals(address, other.address);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(address) + length;
  }

  /** {@code 10.0.0.0/8}, or IPv6 in RFC 5952 form: {@code fd00:1::/64}. */
  @Override
  public String toString() {
    return Literals.format(address()) + "/" + length;
  }

  static boolean isIpv4(InetAddress a) {
    return a instanceof Inet4Address;
  }
}
