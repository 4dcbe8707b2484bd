package io.clusternet.core.userspace;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.BackendException.Reason;
import io.clusternet.api.crypto.KeyFormatException;
import io.clusternet.api.crypto.PresharedKey;
import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.AddressFormatException;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.keys.X25519;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The UAPI text protocol (https://www.wireguard.com/xplatform/): parsing {@code get} replies and
 * writing {@code set} requests. Pure: no sockets here. Every failure is a {@link
 * BackendException}; messages name keys and line numbers, never values (a value may be a private
 * key).
 */
final class UapiCodec {
  /** Longer lines are a protocol error (the longest legal line is about 80 bytes). */
  static final int MAX_LINE = 4096;

  private static final String ZERO_HEX = "0".repeat(64);
  /** The latest second an {@link Instant} can hold; a later handshake time is a protocol error. */
  static final long MAX_EPOCH_SECOND = Instant.MAX.getEpochSecond();

  private UapiCodec() {}

  /** Reads ASCII lines ending in '\n' from a stream, with a length limit. */
  static final class LineReader {
    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int end;
    private int lineNumber;

    LineReader(InputStream in) {
      this.in = in;
    }

    private long bytes;

    /** Starts a new reply: line numbers count from its first line. */
    void startReply() {
      lineNumber = 0;
    }

    /** Bytes read from the stream so far. */
    long bytesRead() {
      return bytes;
    }

    /** Whether nothing read ahead is left over (the last reply was consumed exactly). */
    boolean drained() {
      return pos == end;
    }

    private byte[] scratch = new byte[256];
    private byte[] lineBuf;
    private int lineStart;
    private int lineLen;

    /**
     * Reads the next line (without its '\n') into {@link #lineBuf()} from {@link #lineStart()}
     * for {@link #lineLength()} bytes, all printable ASCII; false at end of stream. A line inside
     * the read buffer is not copied.
     */
    boolean nextRaw(String operation) throws BackendException, IOException {
      int have = 0; // bytes of a line that spans reads, gathered in scratch
      boolean spanning = false;
      while (true) {
        if (pos == end) {
          end = in.read(buf, 0, buf.length);
          pos = 0;
          if (end > 0) bytes += end;
          if (end <= 0) {
            end = 0;
            if (have > 0) {
              throw protocol(operation, "the reply ends in the middle of line " + (lineNumber + 1));
            }
            return false;
          }
        }
        int start = pos;
        while (pos < end) {
          int b = buf[pos] & 0xff;
          if (b == '\n') break;
          if (b < 0x20 || b > 0x7e) {
            throw protocol(operation, "line " + (lineNumber + 1) + " has a non-printable byte");
          }
          pos++;
        }
        int len = pos - start;
        if (have + len > MAX_LINE) {
          throw protocol(operation, "line " + (lineNumber + 1) + " is longer than " + MAX_LINE);
        }
        if (pos < end && !spanning) { // the common case: the whole line is in the buffer
          lineBuf = buf;
          lineStart = start;
          lineLen = len;
          pos++; // the '\n'
          lineNumber++;
          return true;
        }
        if (scratch.length < have + len) {
          scratch = java.util.Arrays.copyOf(scratch, Math.max(scratch.length * 2, have + len));
        }
        System.arraycopy(buf, start, scratch, have, len);
        have += len;
        spanning = true;
        if (pos < end) {
          pos++;
          lineNumber++;
          lineBuf = scratch;
          lineStart = 0;
          lineLen = have;
          return true;
        }
      }
    }

    byte[] lineBuf() {
      return lineBuf;
    }

    int lineStart() {
      return lineStart;
    }

    int lineLength() {
      return lineLen;
    }

    /** The current line as a String. */
    String line() {
      return new String(lineBuf, lineStart, lineLen, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The next line without its '\n', or null at end of stream. */
    String next(String operation) throws BackendException, IOException {
      return nextRaw(operation) ? line() : null;
    }

    int lineNumber() {
      return lineNumber;
    }
  }

  static BackendException protocol(String operation, String detail) {
    return new BackendException(Reason.PROTOCOL_ERROR, operation, 0,
        operation + ": protocol error: " + detail, null);
  }

  /**
   * Reads the reply's trailing {@code errno=N} and blank line and throws for a non-zero errno.
   * {@code first} is the errno line if the caller already read it.
   */
  static void finish(LineReader in, String operation, String errnoLine)
      throws BackendException, IOException {
    int errno = parseErrno(errnoLine, operation, in.lineNumber());
    String blank = in.next(operation);
    if (blank == null || !blank.isEmpty()) {
      throw protocol(operation, "expected a blank line after errno");
    }
    if (errno != 0) {
      throw BackendException.ofErrno(operation, errno, "reported by the UAPI peer");
    }
  }

  private static int parseErrno(String line, String operation, int lineNumber)
      throws BackendException {
    if (line == null) {
      throw protocol(operation, "the connection closed before errno was sent");
    }
    if (!line.startsWith("errno=")) {
      throw protocol(operation, "expected errno= at line " + lineNumber);
    }
    try {
      return Integer.parseInt(line.substring("errno=".length()));
    } catch (NumberFormatException e) {
      throw protocol(operation, "errno is not a number at line " + lineNumber);
    }
  }

  private static final List<String> KEYS = List.of("private_key", "listen_port", "fwmark",
      "public_key", "preshared_key", "protocol_version", "endpoint", "last_handshake_time_sec",
      "last_handshake_time_nsec", "tx_bytes", "rx_bytes", "persistent_keepalive_interval",
      "allowed_ip");

  /**
   * The key of a {@code key=value} line: one of the constants above when it is one (their hash is
   * cached, so the switch does not hash a fresh string per line), else the substring.
   */
  private static String keyOf(String line, int eq) {
    for (String k : KEYS) {
      if (k.length() == eq && line.startsWith(k)) return k;
    }
    return line.substring(0, eq);
  }

  /** Parses a complete {@code get=1} reply. */
  static DeviceState parseGet(String name, LineReader in, String operation)
      throws BackendException, IOException {
    return parseGet(name, in, operation, true);
  }

  /**
   * Parses a {@code get=1} reply; with {@code fast}, the per-peer lines wireguard-go writes are
   * read straight from the bytes ({@link FastLines}), and any line that path does not take in
   * full (other keys, IPv6, anything unusual or wrong) is parsed by the general path below, which
   * alone decides on errors. Both give the same result on every input (a property test).
   */
  static DeviceState parseGet(String name, LineReader in, String operation, boolean fast)
      throws BackendException, IOException {
    Optional<PrivateKey> privateKey = Optional.empty();
    int listenPort = 0;
    int fwmark = 0;
    List<PeerState> peers = new ArrayList<>();
    Set<PublicKey> seen = new HashSet<>(1024);
    PeerBuilder peer = null;
    FastLines.Peer current = new FastLines.Peer();
    while (true) {
      if (!in.nextRaw(operation)) {
        throw protocol(operation, "the connection closed before errno was sent");
      }
      if (fast) {
        current.builder = peer;
        if (FastLines.take(in.lineBuf(), in.lineStart(), in.lineLength(), current, peers, seen)) {
          peer = current.builder;
          continue;
        }
      }
      String line = in.line();
      if (line.startsWith("errno=")) {
        if (peer != null) peers.add(peer.build());
        finish(in, operation, line);
        return new DeviceState(name, privateKey, privateKey.map(X25519::publicKey), listenPort,
            fwmark, peers);
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw protocol(operation, "line " + in.lineNumber() + " is not key=value");
      }
      String key = keyOf(line, eq);
      String value = line.substring(eq + 1);
      int n = in.lineNumber();
      try {
        switch (key) {
          case "private_key" -> {
            requireDevice(peer, key, n, operation);
            privateKey = value.equals(ZERO_HEX) ? Optional.empty()
                : Optional.of(PrivateKey.fromHex(value));
          }
          case "listen_port" -> {
            requireDevice(peer, key, n, operation);
            listenPort = parseInt(value, 0, 65535, key, n, operation);
          }
          case "fwmark" -> {
            requireDevice(peer, key, n, operation);
            fwmark = (int) parseLong(value, 0, 0xffffffffL, key, n, operation);
          }
          case "public_key" -> {
            if (peer != null) peers.add(peer.build());
            PublicKey pk = PublicKey.fromHex(value);
            if (!seen.add(pk)) {
              throw protocol(operation, "peer " + pk + " appears twice (line " + n + ")");
            }
            peer = new PeerBuilder(pk);
          }
          case "preshared_key" -> requirePeer(peer, key, n, operation).presharedKey =
              value.equals(ZERO_HEX) ? Optional.empty() : Optional.of(PresharedKey.fromHex(value));
          case "protocol_version" -> requirePeer(peer, key, n, operation).protocolVersion =
              parseInt(value, 0, Integer.MAX_VALUE, key, n, operation);
          case "endpoint" -> requirePeer(peer, key, n, operation).endpoint =
              Optional.of(Endpoint.parse(withoutZone(value)));
          case "last_handshake_time_sec" -> requirePeer(peer, key, n, operation).handshakeSec =
              parseLong(value, 0, MAX_EPOCH_SECOND, key, n, operation);
          case "last_handshake_time_nsec" -> requirePeer(peer, key, n, operation).handshakeNsec =
              parseLong(value, 0, 999_999_999L, key, n, operation);
          case "tx_bytes" -> requirePeer(peer, key, n, operation).txBytes =
              parseLong(value, 0, Long.MAX_VALUE, key, n, operation);
          case "rx_bytes" -> requirePeer(peer, key, n, operation).rxBytes =
              parseLong(value, 0, Long.MAX_VALUE, key, n, operation);
          case "persistent_keepalive_interval" ->
              requirePeer(peer, key, n, operation).keepalive =
                  Duration.ofSeconds(parseInt(value, 0, 65535, key, n, operation));
          case "allowed_ip" -> requirePeer(peer, key, n, operation).allowedIps
              .add(IpPrefix.parse(value));
          default -> {
            // Unknown keys (newer implementations add some) are skipped, not fatal.
          }
        }
      } catch (KeyFormatException e) {
        throw protocol(operation, "bad key in " + key + " at line " + n);
      } catch (AddressFormatException e) {
        throw protocol(operation, "bad address in " + key + " at line " + n);
      }
    }
  }

  /**
   * An endpoint as a device reports it, without an IPv6 zone: {@code [fe80::1%2]:51820} (the form
   * in the UAPI documentation, and what newer wireguard-go prints for a scoped endpoint) becomes
   * {@code [fe80::1]:51820}. The netlink decoder drops the {@code sockaddr_in6} scope id the same
   * way; clusternet never configures a scoped endpoint, so such a peer is a stray one, to be read
   * and then removed, not a reason to fail the whole device read. An empty zone, or a zone outside
   * brackets, is left for {@link Endpoint#parse} to reject.
   */
  static String withoutZone(String endpoint) {
    if (!endpoint.startsWith("[")) return endpoint;
    int percent = endpoint.indexOf('%');
    int close = endpoint.indexOf(']');
    if (percent < 0 || close < 0 || percent > close || close - percent < 2) return endpoint;
    for (int i = percent + 1; i < close; i++) {
      char c = endpoint.charAt(i);
      if (c == '%' || c == '[') return endpoint;
    }
    return endpoint.substring(0, percent) + endpoint.substring(close);
  }

  private static void requireDevice(PeerBuilder peer, String key, int line, String operation)
      throws BackendException {
    if (peer != null) {
      throw protocol(operation, "device key " + key + " after the first peer (line " + line + ")");
    }
  }

  private static PeerBuilder requirePeer(PeerBuilder peer, String key, int line, String operation)
      throws BackendException {
    if (peer == null) {
      throw protocol(operation, "peer key " + key + " before any public_key (line " + line + ")");
    }
    return peer;
  }

  private static int parseInt(String value, int min, int max, String key, int line,
      String operation) throws BackendException {
    return (int) parseLong(value, min, max, key, line, operation);
  }

  private static long parseLong(String value, long min, long max, String key, int line,
      String operation) throws BackendException {
    if (value.isEmpty() || value.length() > 19) {
      throw protocol(operation, key + " is not a number at line " + line);
    }
    long v = 0;
    for (int i = 0; i < value.length(); i++) { // digits only: no sign, no spaces
      char c = value.charAt(i);
      if (c < '0' || c > '9') throw protocol(operation, key + " is not a number at line " + line);
      v = v * 10 + (c - '0');
    }
    if (v < 0) throw protocol(operation, key + " out of range at line " + line); // overflow
    if (v < min || v > max) throw protocol(operation, key + " out of range at line " + line);
    return v;
  }

  static final class PeerBuilder {
    final PublicKey publicKey;
    Optional<PresharedKey> presharedKey = Optional.empty();
    Optional<Endpoint> endpoint = Optional.empty();
    final List<IpPrefix> allowedIps = new ArrayList<>();
    Duration keepalive = Duration.ZERO;
    long handshakeSec;
    long handshakeNsec;
    long rxBytes;
    long txBytes;
    int protocolVersion = 1;

    PeerBuilder(PublicKey publicKey) {
      this.publicKey = publicKey;
    }

    PeerState build() {
      Optional<Instant> handshake = handshakeSec == 0 && handshakeNsec == 0
          ? Optional.empty()
          : Optional.of(Instant.ofEpochSecond(handshakeSec, handshakeNsec));
      return new PeerState(publicKey, presharedKey, endpoint, allowedIps, keepalive, handshake,
          rxBytes, txBytes, protocolVersion);
    }
  }

  /**
   * Writes a whole {@code set=1} request, streamed: device keys first, then one section per peer
   * starting with {@code public_key}, {@code update_only} right after it; ends with the blank line.
   */
  static void writeSet(Writer out, DeviceConfig config) throws IOException {
    out.write("set=1\n");
    if (config.privateKey().isPresent()) {
      out.write("private_key=");
      out.write(config.privateKey().get().toHex());
      out.write('\n');
    }
    if (config.listenPort().isPresent()) {
      out.write("listen_port=" + config.listenPort().getAsInt() + "\n");
    }
    if (config.firewallMark().isPresent()) {
      out.write("fwmark=" + Integer.toUnsignedString(config.firewallMark().getAsInt()) + "\n");
    }
    if (config.replacePeers()) out.write("replace_peers=true\n");
    for (PeerConfig peer : config.peers()) {
      writePeer(out, peer);
    }
    out.write('\n');
  }

  private static void writePeer(Writer out, PeerConfig peer) throws IOException {
    out.write("public_key=");
    out.write(peer.publicKey().toHex());
    out.write('\n');
    if (peer.remove()) {
      out.write("remove=true\n");
      return;
    }
    if (peer.updateOnly()) out.write("update_only=true\n");
    if (peer.presharedKey().isPresent()) {
      out.write("preshared_key=");
      out.write(peer.presharedKey().get().toHex());
      out.write('\n');
    }
    if (peer.endpoint().isPresent()) {
      out.write("endpoint=" + peer.endpoint().get() + "\n");
    }
    if (peer.persistentKeepalive().isPresent()) {
      out.write("persistent_keepalive_interval=" + peer.persistentKeepalive().get().getSeconds()
          + "\n");
    }
    if (peer.replaceAllowedIps()) out.write("replace_allowed_ips=true\n");
    for (IpPrefix ip : peer.allowedIps()) {
      out.write("allowed_ip=");
      out.write(ip.toString());
      out.write('\n');
    }
  }
}
