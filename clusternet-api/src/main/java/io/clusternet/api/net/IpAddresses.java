package io.clusternet.api.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * IP addresses from raw bytes, keeping the family the bytes have: 4 bytes give an IPv4 address
 * and 16 bytes always an IPv6 one, also for an IPv4-mapped address such as {@code
 * ::ffff:192.0.2.1}, which {@link InetAddress#getByAddress(byte[])} would silently turn into the
 * IPv4 address {@code 192.0.2.1}. WireGuard keeps a mapped allowed IP or endpoint as IPv6, so a
 * decoder of device data must too.
 */
public final class IpAddresses {
  private IpAddresses() {}

  /**
   * The address of {@code bytes} (network order): an {@link Inet4Address} for 4 bytes, an {@link
   * Inet6Address} without scope for 16.
   *
   * @throws IllegalArgumentException for any other length
   */
  public static InetAddress fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    try {
      if (bytes.length == 4) return InetAddress.getByAddress(bytes);
      if (bytes.length == 16) return Inet6Address.getByAddress(null, bytes, -1); // keeps mapped
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // not for 4 or 16 bytes
    }
    throw new IllegalArgumentException(
        "an IP address has 4 or 16 bytes, not " + bytes.length);
  }

  /** Whether {@code bytes} (16) are an IPv4-mapped IPv6 address, {@code ::ffff:a.b.c.d}. */
  static boolean isIpv4Mapped(byte[] bytes) {
    if (bytes.length != 16) return false;
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) return false;
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }
}
