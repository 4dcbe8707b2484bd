package io.clusternet.api.net;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * IP literal parsing and formatting: the only use of Guava in this module. Guava's {@code
 * InetAddresses} parses IPv4 dotted quads (exactly four decimal parts, no leading-zero octal
 * tricks) and every RFC 4291 IPv6 form, never consults DNS, and formats IPv6 per RFC 5952 — all
 * of which the JDK 17 only offers through {@code InetAddress.getByName}, which falls back to a
 * DNS lookup for anything that is not a valid literal.
 */
final class Literals {
  private Literals() {}

  /**
   * The address, or null if {@code text} is not an IP literal (zone ids are not accepted). IPv6
   * text is always an IPv6 address: Guava, like {@code InetAddress.getByAddress}, returns an
   * IPv4-mapped address such as {@code ::ffff:192.0.2.1} as IPv4, which is put back here.
   */
  static InetAddress parse(String text) {
    if (text.indexOf('%') >= 0) return null;
    InetAddress address;
    try {
      address = InetAddresses.forString(text); // one parse (isInetAddress would parse twice)
    } catch (IllegalArgumentException notAnAddress) {
      return null;
    }
    if (address instanceof Inet4Address && text.indexOf(':') >= 0) {
      byte[] v4 = address.getAddress();
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xff;
      mapped[11] = (byte) 0xff;
      System.arraycopy(v4, 0, mapped, 12, 4);
      return IpAddresses.fromBytes(mapped);
    }
    return address;
  }

  /**
   * Dotted quad, or RFC 5952 IPv6 without brackets; an IPv4-mapped address in the mixed form
   * RFC 5952 section 5 recommends and Go (so wireguard-go) prints: {@code ::ffff:192.0.2.1}.
   */
  static String format(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (IpAddresses.isIpv4Mapped(bytes)) {
      return "::ffff:" + (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "."
          + (bytes[14] & 0xff) + "." + (bytes[15] & 0xff);
    }
    return InetAddresses.toAddrString(address);
  }

  /** Whether every char is an ASCII digit (a plain loop: this runs per line of a 10k-peer read). */
  static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return false;
    }
    return true;
  }
}
