package io.clusternet.api.net;

import java.net.InetAddress;
import java.util.Objects;

/**
 * An address assigned to an interface with its prefix length, such as {@code 10.77.0.1/24}: unlike
 * an {@link IpPrefix}, the host bits are kept.
 */
public final class InterfaceAddress implements Comparable<InterfaceAddress> {
  private final InetAddress address;
  private final int prefixLength;

  private InterfaceAddress(InetAddress address, int prefixLength) {
    this.address = address;
    this.prefixLength = prefixLength;
  }

  public static InterfaceAddress of(InetAddress address, int prefixLength) {
    Objects.requireNonNull(address, "address");
    int max = address.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > max) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " out of range");
    }
    return new InterfaceAddress(Literals.parse(Literals.format(address)), prefixLength);
  }

  /** Parses {@code address/length}. */
  public static InterfaceAddress parse(String text) throws AddressFormatException {
    IpPrefix prefix = IpPrefix.parse(text); // validates the syntax and the length
    InetAddress address = Literals.parse(text.substring(0, text.indexOf('/')));
    return new InterfaceAddress(address, prefix.length());
  }

  public InetAddress address() {
    return address;
  }

  public int prefixLength() {
    return prefixLength;
  }

  public boolean isIpv4() {
    return IpPrefix.isIpv4(address);
  }

  /** The network this address is in. */
  public IpPrefix network() {
    return IpPrefix.of(address, prefixLength);
  }

  @Override
  public int compareTo(InterfaceAddress other) {
    int c = IpPrefix.host(address).compareTo(IpPrefix.host(other.address));
    return c != 0 ? c : Integer.compare(prefixLength, other.prefixLength);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InterfaceAddress other && prefixLength == other.prefixLength
        && address.equals(other.address);
  }

  @Override
  public int hashCode() {
    return 31 * address.hashCode() + prefixLength;
  }

  @Override
  public String toString() {
    return Literals.format(address) + "/" + prefixLength;
  }
}
