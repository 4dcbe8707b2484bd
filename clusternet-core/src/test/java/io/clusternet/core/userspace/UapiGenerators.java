package io.clusternet.core.userspace;

import static io.clusternet.core.userspace.UapiCodecTest.PEER1;
import static io.clusternet.core.userspace.UapiCodecTest.PEER2;
import static io.clusternet.core.userspace.UapiCodecTest.PRIV;
import static io.clusternet.core.userspace.UapiCodecTest.ZEROS;

import io.clusternet.props.Gens;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.quicktheories.core.Gen;

/**
 * Generators of UAPI get replies for the parser's property tests. Each line form is its own
 * method, so that a new form is one more entry in {@link #peerLines()} (as {@link
 * #mappedAndScopedLines()} is).
 */
public final class UapiGenerators {
  private UapiGenerators() {}

  /** Up to 25 lines, each a well-formed line of any kind or arbitrary text up to 30 long. */
  public static Gen<String> replies() {
    Gen<String> line = Gens.anyOf(Gens.oneOf("private_key=" + PRIV, "listen_port=51820",
        "fwmark=0", "public_key=" + PEER1, "public_key=" + PEER2, "preshared_key=" + ZEROS,
        "protocol_version=1", "endpoint=192.0.2.1:51820", "endpoint=[::1]:5",
        "last_handshake_time_sec=5", "last_handshake_time_nsec=7", "tx_bytes=1", "rx_bytes=2",
        "persistent_keepalive_interval=25", "allowed_ip=10.0.0.0/8", "errno=0", "errno=-22",
        "", "x=y", "allowed_ip=::/0", "endpoint=[fe80::1%2]:51820",
        "allowed_ip=::ffff:192.0.2.1/128", "endpoint=[::ffff:192.0.2.1]:51820"),
        Gens.strings(30), mappedAndScopedLines());
    return Gens.lists(line, 0, 25).map(lines -> String.join("\n", lines) + "\n");
  }

  /**
   * Issue 13 items 9 and 10: scoped endpoints as newer wireguard-go prints them ({@code
   * [fe80::1%2]:51820}), IPv4-mapped allowed IPs and endpoints ({@code ::ffff:192.0.2.1}), and
   * near misses of each (empty or odd zones, a zone on IPv4, mapped octets out of range).
   */
  public static Gen<String> mappedAndScopedLines() {
    Gen<String> zone = Gens.oneOf("2", "eth0", "wg-underlay.7", "", "%", "]", "2]", "[");
    Gen<String> scopedHost = Gens.oneOf("fe80::1", "FE80::1", "fe80::", "2001:db8::1",
        "::ffff:192.0.2.1", "192.0.2.1");
    Gen<String> scoped = scopedHost.zip(zone, numberText(),
        (h, z, p) -> "endpoint=[" + h + "%" + z + "]:" + p);
    Gen<String> mappedEndpoint = dottedQuads().zip(numberText(),
        (q, p) -> "endpoint=[::ffff:" + q + "]:" + p);
    Gen<String> mappedAllowed = dottedQuads().zip(numberText(),
        (q, l) -> "allowed_ip=::ffff:" + q + "/" + l);
    return Gens.anyOf(scoped, mappedEndpoint, mappedAllowed);
  }

  /** Octets and near misses: out of range, leading zeros, empty. */
  public static Gen<String> octetText() {
    return Gens.oneOf("0", "1", "9", "10", "99", "100", "199", "255", "256", "300", "01", "00",
        "001", "1000", "");
  }

  /** Canonical dotted quads (edges 0.0.0.0, 255.255.255.255, ...). */
  public static Gen<String> canonicalQuads() {
    return Gens.lists(Gens.ints(0, 255), 4, 4)
        .map(l -> l.stream().map(String::valueOf).collect(Collectors.joining(".")));
  }

  /** Three to five octets, each canonical or a near miss. */
  public static Gen<String> nearMissQuads() {
    return Gens.lists(octetText(), 3, 5).map(l -> String.join(".", l));
  }

  /** A canonical quad with exactly one octet a near miss ("10.256.0.1", "10.01.0.1"). */
  public static Gen<String> oneOctetOffQuads() {
    return Gens.lists(Gens.ints(0, 255), 4, 4).zip(Gens.ints(0, 3), octetText(),
        (parts, at, octet) -> {
          String[] s = parts.stream().map(String::valueOf).toArray(String[]::new);
          s[at] = octet;
          return String.join(".", s);
        });
  }

  /** Dotted quads: canonical three times in seven, else a near miss in one or more octets. */
  public static Gen<String> dottedQuads() {
    return Gens.weighted(new int[] {3, 2, 2}, canonicalQuads(), nearMissQuads(),
        oneOctetOffQuads());
  }

  /** Numbers and near misses: leading zeros, 32- and 64-bit limits and one past, signs, junk. */
  public static Gen<String> numberText() {
    return Gens.oneOf("0", "1", "25", "08", "00", "032", "33", "65535", "65536", "0080",
        "999999999", "1000000000", "2147483647", "2147483648", "9223372036854775807",
        "9223372036854775808", "99999999999999999999", "", "-1", "+1", "1 ", "x");
  }

  /** Hex keys and near misses: upper case, 62 and 66 digits, a non-hex digit. */
  public static Gen<String> hexKeyText() {
    return Gens.oneOf(PEER1, PEER2, PEER1.toUpperCase(Locale.ROOT), ZEROS, PEER1.substring(2),
        PEER1 + "00", "g" + PEER1.substring(1), PRIV);
  }

  /** The per-peer lines wireguard-go writes, and near misses of each. */
  public static Gen<String> peerLines() {
    return Gens.anyOf(
        hexKeyText().map(h -> "public_key=" + h),
        hexKeyText().map(h -> "preshared_key=" + h),
        dottedQuads().zip(numberText(), (q, p) -> "endpoint=" + q + ":" + p),
        Gens.oneOf("endpoint=[fd00::1]:51820", "endpoint=192.0.2.1", "endpoint=:1"),
        dottedQuads().zip(numberText(), (q, l) -> "allowed_ip=" + q + "/" + l),
        Gens.oneOf("allowed_ip=fd00::/64", "allowed_ip=10.0.0.0", "allowed_ip=10.0.0.1/24"),
        Gens.oneOf(List.of("protocol_version=", "last_handshake_time_sec=",
            "last_handshake_time_nsec=", "tx_bytes=", "rx_bytes=",
            "persistent_keepalive_interval=", "listen_port=", "fwmark="))
            .zip(numberText(), (k, v) -> k + v),
        Gens.oneOf("private_key=" + PRIV, "x=y", "public_keyx=1", "endpoint"),
        mappedAndScopedLines());
  }

  /**
   * Replies of up to 12 {@link #peerLines()}, mostly inside a peer (a valid public_key first),
   * where the per-peer lines are legal.
   */
  public static Gen<String> peerReplies() {
    return Gens.oneOf("public_key=" + PEER2 + "\n", "").zip(Gens.lists(peerLines(), 0, 12),
        (first, lines) -> first + String.join("\n", lines) + "\nerrno=0\n\n");
  }
}
