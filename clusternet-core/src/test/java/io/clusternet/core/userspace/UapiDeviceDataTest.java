package io.clusternet.core.userspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.BackendException.Reason;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.api.wg.PeerState;
import io.clusternet.api.crypto.PublicKey;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13 items 9 and 10 for the UAPI codec, on both of its paths (FastLines and the general
 * parser): a scoped endpoint as newer wireguard-go prints it ({@code [fe80::1%2]:51820}, also the
 * form in the protocol's documentation) parses with its zone dropped, as the netlink decoder
 * does; an IPv4-mapped IPv6 allowed IP or endpoint stays IPv6.
 */
class UapiDeviceDataTest {
  static final String PEER = "a2bb7c4b" + "0".repeat(48) + "00008d28";

  static PeerState onlyPeer(String peerLines, boolean fast) throws Exception {
    String reply = "listen_port=51820\npublic_key=" + PEER + "\n" + peerLines + "errno=0\n\n";
    DeviceState d = UapiCodec.parseGet("wg0", new UapiCodec.LineReader(
        new ByteArrayInputStream(reply.getBytes(StandardCharsets.ISO_8859_1))), "getting wg0",
        fast);
    assertThat(d.peers()).hasSize(1);
    return d.peers().get(0);
  }

  @ParameterizedTest
  @CsvSource({
    "[fe80::1%2]:51820, [fe80::1]:51820",
    "[fe80::1%eth0]:51820, [fe80::1]:51820",
    "[FE80::1%wg-underlay.7]:1, [fe80::1]:1",
    "[::ffff:192.0.2.1]:51820, [::ffff:192.0.2.1]:51820",
  })
  void scopedAndMappedEndpointsParseOnBothPaths(String endpoint, String expected)
      throws Exception {
    for (boolean fast : new boolean[] {true, false}) {
      PeerState p = onlyPeer("endpoint=" + endpoint + "\nallowed_ip=10.0.0.0/24\n", fast);
      assertThat(p.endpoint()).as("fast=%s", fast).contains(Endpoint.parse(expected));
      assertThat(p.endpoint().get().isIpv4()).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"[fe80::1%]:51820", "[fe80::1%2:51820", "[192.0.2.1%2]:51820",
      "192.0.2.1%2:51820", "[fe80::1%2]]:51820", "[fe80::1%%2]:51820x"})
  void malformedScopedEndpointsAreProtocolErrors(String endpoint) {
    for (boolean fast : new boolean[] {true, false}) {
      assertThatThrownBy(() -> onlyPeer("endpoint=" + endpoint + "\n", fast))
          .isInstanceOfSatisfying(BackendException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.PROTOCOL_ERROR));
    }
  }

  @ParameterizedTest
  @CsvSource({
    "::ffff:192.0.2.1/128, ::ffff:192.0.2.1/128",
    "::ffff:0.0.0.0/96, ::ffff:0.0.0.0/96",
    "::ffff:c000:201/128, ::ffff:192.0.2.1/128",
  })
  void aMappedAllowedIpStaysAnIpv6PrefixOnBothPaths(String allowed, String expected)
      throws Exception {
    for (boolean fast : new boolean[] {true, false}) {
      PeerState p = onlyPeer("allowed_ip=10.0.0.0/24\nallowed_ip=" + allowed + "\n", fast);
      assertThat(p.allowedIps()).as("fast=%s", fast)
          .containsExactly(IpPrefix.parse("10.0.0.0/24"), IpPrefix.parse(expected));
      assertThat(p.allowedIps().get(1).isIpv4()).isFalse();
      assertThat(p.allowedIps().get(1).toString()).isEqualTo(expected);
    }
  }

  @org.junit.jupiter.api.Test
  void aMappedAllowedIpIsWrittenInTheFormWireGuardGoReadsAndPrints() throws Exception {
    StringWriter out = new StringWriter();
    UapiCodec.writeSet(out, DeviceConfig.builder().peer(PeerConfig.builder(
            PublicKey.fromHex(PEER)).endpoint(Endpoint.parse("[::ffff:192.0.2.1]:51820"))
        .allowedIp(IpPrefix.parse("::ffff:192.0.2.1/128")).build()).build());
    assertThat(out.toString()).contains("endpoint=[::ffff:192.0.2.1]:51820\n")
        .contains("allowed_ip=::ffff:192.0.2.1/128\n");
  }
}
