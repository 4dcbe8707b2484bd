package io.clusternet.core.userspace;

import io.clusternet.api.crypto.KeyFormatException;
import io.clusternet.api.crypto.PresharedKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpAddresses;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.PeerState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The per-peer lines of a {@code get} reply, read straight from the bytes in the exact forms
 * wireguard-go writes them: lowercase hex keys, plain decimal numbers, IPv4 endpoints and allowed
 * IPs as dotted quads. About ten of these lines per peer make a 10,000-peer reply, so this is the
 * hot path of every resync; without a String per line, a substring per value and a general
 * address parser per address it reads such a reply several times faster.
 *
 * <p>It only ever accepts a line it can take in full and whose value is exactly what the general
 * parser in {@link UapiCodec} would produce; for anything else (other keys, IPv6, upper-case hex,
 * leading zeros, values out of range, a peer seen twice, a line before the first peer; so also
 * scoped endpoints and IPv4-mapped IPv6 addresses) it returns
 * false, changes nothing, and the general parser takes the line, with its error reporting.
 */
final class FastLines {
  private FastLines() {}

  /** The peer being read (null before the first {@code public_key}). */
  static final class Peer {
    UapiCodec.PeerBuilder builder;
  }

  private static final byte[] PUBLIC_KEY = ascii("public_key=");
  private static final byte[] PRESHARED_KEY = ascii("preshared_key=");
  private static final byte[] PROTOCOL_VERSION = ascii("protocol_version=");
  private static final byte[] PERSISTENT_KEEPALIVE = ascii("persistent_keepalive_interval=");
  private static final byte[] ENDPOINT = ascii("endpoint=");
  private static final byte[] HANDSHAKE_SEC = ascii("last_handshake_time_sec=");
  private static final byte[] HANDSHAKE_NSEC = ascii("last_handshake_time_nsec=");
  private static final byte[] TX_BYTES = ascii("tx_bytes=");
  private static final byte[] RX_BYTES = ascii("rx_bytes=");
  private static final byte[] ALLOWED_IP = ascii("allowed_ip=");

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Takes the line {@code b[s, s+len)} if it can; see the class comment. */
  static boolean take(byte[] b, int s, int len, Peer current, List<PeerState> peers,
      Set<PublicKey> seen) {
    int end = s + len;
    if (starts(b, s, len, PUBLIC_KEY)) {
      byte[] key = hex32(b, s + PUBLIC_KEY.length, end);
      if (key == null) return false;
      PublicKey pk;
      try {
        pk = PublicKey.fromBytes(key);
      } catch (KeyFormatException e) {
        return false;
      }
      if (seen.contains(pk)) return false; // the general parser reports the duplicate
      if (current.builder != null) peers.add(current.builder.build());
      seen.add(pk);
      current.builder = new UapiCodec.PeerBuilder(pk);
      return true;
    }
    UapiCodec.PeerBuilder peer = current.builder;
    if (peer == null) return false;
    if (starts(b, s, len, ENDPOINT)) {
      Endpoint e = endpoint(b, s + ENDPOINT.length, end);
      if (e == null) return false;
      peer.endpoint = Optional.of(e);
      return true;
    }
    if (starts(b, s, len, ALLOWED_IP)) {
      IpPrefix p = prefix(b, s + ALLOWED_IP.length, end);
      if (p == null) return false;
      peer.allowedIps.add(p);
      return true;
    }
    if (starts(b, s, len, TX_BYTES)) {
      long v = digits(b, s + TX_BYTES.length, end);
      if (v < 0) return false;
      peer.txBytes = v;
      return true;
    }
    if (starts(b, s, len, RX_BYTES)) {
      long v = digits(b, s + RX_BYTES.length, end);
      if (v < 0) return false;
      peer.rxBytes = v;
      return true;
    }
    if (starts(b, s, len, HANDSHAKE_SEC)) {
      long v = digits(b, s + HANDSHAKE_SEC.length, end);
      if (v < 0 || v > UapiCodec.MAX_EPOCH_SECOND) return false;
      peer.handshakeSec = v;
      return true;
    }
    if (starts(b, s, len, HANDSHAKE_NSEC)) {
      long v = digits(b, s + HANDSHAKE_NSEC.length, end);
      if (v < 0 || v > 999_999_999L) return false;
      peer.handshakeNsec = v;
      return true;
    }
    if (starts(b, s, len, PROTOCOL_VERSION)) {
      long v = digits(b, s + PROTOCOL_VERSION.length, end);
      if (v < 0 || v > Integer.MAX_VALUE) return false;
      peer.protocolVersion = (int) v;
      return true;
    }
    if (starts(b, s, len, PERSISTENT_KEEPALIVE)) {
      long v = digits(b, s + PERSISTENT_KEEPALIVE.length, end);
      if (v < 0 || v > 65535) return false;
      peer.keepalive = Duration.ofSeconds(v);
      return true;
    }
    if (starts(b, s, len, PRESHARED_KEY)) {
      int from = s + PRESHARED_KEY.length;
      if (end - from != 64) return false;
      boolean zero = true;
      for (int i = from; i < end && zero; i++) zero = b[i] == '0';
      if (zero) {
        peer.presharedKey = Optional.empty();
        return true;
      }
      byte[] key = hex32(b, from, end);
      if (key == null) return false;
      try {
        peer.presharedKey = Optional.of(PresharedKey.fromBytes(key));
      } catch (KeyFormatException e) {
        return false;
      }
      return true;
    }
    return false;
  }

  private static boolean starts(byte[] b, int s, int len, byte[] prefix) {
    if (len < prefix.length) return false;
    for (int i = 0; i < prefix.length; i++) {
      if (b[s + i] != prefix[i]) return false;
    }
    return true;
  }

  /** 64 lowercase hex digits as 32 bytes, or null. */
  private static byte[] hex32(byte[] b, int from, int end) {
    if (end - from != 64) return null;
    byte[] out = new byte[32];
    for (int i = 0; i < 32; i++) {
      int hi = nibble(b[from + 2 * i]);
      int lo = nibble(b[from + 2 * i + 1]);
      if (hi < 0 || lo < 0) return null;
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }

  private static int nibble(byte c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }

  /** 1 to 19 decimal digits as a non-negative long, or -1. */
  private static long digits(byte[] b, int from, int end) {
    int n = end - from;
    if (n < 1 || n > 19) return -1;
    long v = 0;
    for (int i = from; i < end; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return v < 0 ? -1 : v; // 19 digits can overflow
  }

  /**
   * A dotted quad starting at {@code b[from]}, in the canonical form only (1 to 3 digits per part,
   * no leading zero, at most 255), written into {@code out}; returns the index after it, or -1.
   */
  private static int quad(byte[] b, int from, int end, byte[] out) {
    int i = from;
    for (int part = 0; part < 4; part++) {
      if (part > 0) {
        if (i >= end || b[i] != '.') return -1;
        i++;
      }
      int start = i;
      int v = 0;
      while (i < end && b[i] >= '0' && b[i] <= '9' && i - start < 3) {
        v = v * 10 + (b[i] - '0');
        i++;
      }
      int n = i - start;
      if (n == 0 || v > 255 || (n > 1 && b[start] == '0')) return -1;
      out[part] = (byte) v;
    }
    return i;
  }

  private static Endpoint endpoint(byte[] b, int from, int end) {
    byte[] addr = new byte[4];
    int i = quad(b, from, end, addr);
    if (i < 0 || i >= end || b[i] != ':') return null;
    int n = end - i - 1;
    if (n < 1 || n > 5) return null;
    long port = digits(b, i + 1, end);
    if (port < 1 || port > 65535) return null;
    return Endpoint.of(IpAddresses.fromBytes(addr), (int) port);
  }

  private static IpPrefix prefix(byte[] b, int from, int end) {
    byte[] addr = new byte[4];
    int i = quad(b, from, end, addr);
    if (i < 0 || i >= end || b[i] != '/') return null;
    int n = end - i - 1;
    if (n < 1 || n > 2 || (n == 2 && b[i + 1] == '0')) return null;
    long length = digits(b, i + 1, end);
    if (length < 0 || length > 32) return null;
    return IpPrefix.of(IpAddresses.fromBytes(addr), (int) length);
  }
}
