package io.clusternet.api.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A WireGuard endpoint: an IP address literal and a UDP port (1-65535). Never resolved through
 * DNS. Text form {@code 192.0.2.1:51820} or {@code [2001:db8::1]:51820}.
 */
public final class Endpoint implements Comparable<Endpoint> {
  private final InetAddress address;
  private final int port;

  private Endpoint(InetAddress address, int port) {
    this.address = address;
    this.port = port;
  }

  public static Endpoint of(InetAddress address, int port) {
    Objects.requireNonNull(address, "address");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535, got " + port);
    }
    if (address instanceof Inet6Address v6 && v6.getScopeId() != 0) {
      throw new IllegalArgumentException("scoped IPv6 endpoints are not supported");
    }
    // Drop any host name the InetAddress may carry: equality is by address and port only. An
    // IPv4-mapped IPv6 address stays IPv6.
    return new Endpoint(IpAddresses.fromBytes(address.getAddress()), port);
  }

  /** Parses {@code ip:port} or {@code [ipv6]:port}. */
  public static Endpoint parse(String text) throws AddressFormatException {
    Objects.requireNonNull(text, "text");
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw new AddressFormatException(text, "endpoint (expected [ipv6]:port)");
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0) throw new AddressFormatException(text, "endpoint (missing :port)");
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        throw new AddressFormatException(text, "endpoint (IPv6 addresses need [brackets])");
      }
    }
    InetAddress address = Literals.parse(host);
    if (address == null) {
      throw new AddressFormatException(text, "endpoint (not an IP address; names are not resolved)");
    }
    if (text.startsWith("[") && host.indexOf(':') < 0) {
      throw new AddressFormatException(text, "endpoint (brackets are for IPv6 only)");
    }
    if (port.isEmpty() || port.length() > 5 || !Literals.allDigits(port)) {
      throw new AddressFormatException(text, "endpoint (bad port)");
    }
    int p = Integer.parseInt(port);
    if (p < 1 || p > 65535) throw new AddressFormatException(text, "endpoint (port out of range)");
    return new Endpoint(address, p);
  }

  public InetAddress address() {
    return address;
  }

  public int port() {
    return port;
  }

  public boolean isIpv4() {
    return IpPrefix.isIpv4(address);
  }

  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(address, port);
  }

  @Override
  public int compareTo(Endpoint other) {
    int c = IpPrefix.host(address).compareTo(IpPrefix.host(other.address));
    return c != 0 ? c : Integer.compare(port, other.port);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Endpoint other && port == other.port && address.equals(other.address);
  }

  @Override
  public int hashCode() {
    return 31 * address.hashCode() + port;
  }

  @Override
  public String toString() {
    String host = Literals.format(address);
    return (isIpv4() ? host : "[" + host + "]") + ":" + port;
  }
}
