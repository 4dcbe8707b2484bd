package io.clusternet.api.net;

import com.google.common.net.InetAddresses;
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

  /** The address, or null if {@code text} is not an IP literal (zone ids are not accepted). */
  static InetAddress parse(String text) {
    if (text.indexOf('%') >= 0) return null;
    try {
      return InetAddresses.forString(text); // one parse (isInetAddress would parse twice)
    } catch (IllegalArgumentException notAnAddress) {
      return null;
    }
  }

  /** Dotted quad, or RFC 5952 IPv6 without brackets. */
  static String format(InetAddress address) {
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
