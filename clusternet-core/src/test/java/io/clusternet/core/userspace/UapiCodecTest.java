package io.clusternet.core.userspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.BackendException.Reason;
import io.clusternet.api.crypto.PresharedKey;
import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.keys.X25519;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import io.clusternet.props.Props;
import org.junit.jupiter.api.Test;

class UapiCodecTest {
  static final String PRIV = "c809f3e5317e9575c9b5ed78b638b7ce530dabe85ddab614220241801ddf0669";
  static final String PEER1 = "a2bb7c4b" + "0".repeat(48) + "00008d28";
  static final String PEER2 = "b2bb7c4b" + "1".repeat(48) + "00008d28";
  static final String ZEROS = "0".repeat(64);

  static DeviceState parse(String reply) throws Exception {
    return UapiCodec.parseGet("wg0", new UapiCodec.LineReader(
        new ByteArrayInputStream(reply.getBytes(StandardCharsets.ISO_8859_1))), "getting wg0");
  }

  @Test
  void parsesAFullReply() throws Exception {
    DeviceState d = parse("private_key=" + PRIV + "\nlisten_port=51820\nfwmark=4294967295\n"
        + "public_key=" + PEER1 + "\npreshared_key=" + ZEROS + "\nprotocol_version=1\n"
        + "endpoint=192.0.2.1:51820\nlast_handshake_time_sec=1700000000\n"
        + "last_handshake_time_nsec=0\ntx_bytes=660\nrx_bytes=604\n"
        + "persistent_keepalive_interval=25\nallowed_ip=10.77.0.1/32\nallowed_ip=fd00:77::1/128\n"
        + "public_key=" + PEER2 + "\npreshared_key=" + PRIV + "\nendpoint=[2001:db8::2]:51820\n"
        + "last_handshake_time_sec=0\nlast_handshake_time_nsec=0\ntx_bytes=0\nrx_bytes=0\n"
        + "persistent_keepalive_interval=0\n"
        + "errno=0\n\n");
    PrivateKey priv = PrivateKey.fromHex(PRIV);
    assertThat(d.name()).isEqualTo("wg0");
    assertThat(d.privateKey()).contains(priv);
    assertThat(d.publicKey()).contains(X25519.publicKey(priv));
    assertThat(d.listenPort()).isEqualTo(51820);
    assertThat(d.firewallMark()).isEqualTo(-1); // u32 0xffffffff
    assertThat(d.peers()).hasSize(2);
    PeerState p1 = d.peers().get(0);
    assertThat(p1.publicKey()).isEqualTo(PublicKey.fromHex(PEER1));
    assertThat(p1.presharedKey()).isEmpty();
    assertThat(p1.endpoint()).contains(Endpoint.parse("192.0.2.1:51820"));
    // nsec == 0 with sec > 0 is a real handshake (wgctrl-go drops it; we do not).
    assertThat(p1.lastHandshake()).contains(Instant.ofEpochSecond(1700000000));
    assertThat(p1.transmitBytes()).isEqualTo(660);
    assertThat(p1.receiveBytes()).isEqualTo(604);
    assertThat(p1.persistentKeepalive()).isEqualTo(Duration.ofSeconds(25));
    assertThat(p1.allowedIps()).containsExactly(IpPrefix.parse("10.77.0.1/32"),
        IpPrefix.parse("fd00:77::1/128"));
    PeerState p2 = d.peers().get(1);
    assertThat(p2.presharedKey()).contains(PresharedKey.fromHex(PRIV));
    assertThat(p2.endpoint()).contains(Endpoint.parse("[2001:db8::2]:51820"));
    assertThat(p2.lastHandshake()).isEmpty();
    assertThat(p2.allowedIps()).isEmpty();
  }

  @Test
  void aFreshDeviceHasNoKeyAndNoPeers() throws Exception {
    DeviceState d = parse("listen_port=55353\nerrno=0\n\n");
    assertThat(d.privateKey()).isEmpty();
    assertThat(d.publicKey()).isEmpty();
    assertThat(d.listenPort()).isEqualTo(55353);
    assertThat(d.peers()).isEmpty();
  }

  @Test
  void unknownKeysAreSkipped() throws Exception {
    DeviceState d = parse("listen_port=1\nfuture_device_key=x\npublic_key=" + PEER1
        + "\nfuture_peer_key=y\nallowed_ip=10.0.0.0/8\nerrno=0\n\n");
    assertThat(d.peers()).singleElement()
        .satisfies(p -> assertThat(p.allowedIps()).containsExactly(IpPrefix.parse("10.0.0.0/8")));
  }

  @Test
  void aNegativeErrnoIsTyped() {
    assertThatThrownBy(() -> parse("errno=-22\n\n"))
        .isInstanceOfSatisfying(BackendException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.INVALID_ARGUMENT);
          assertThat(e.errno()).hasValue(22);
          assertThat(e.operation()).isEqualTo("getting wg0");
        });
    assertThatThrownBy(() -> parse("errno=-98\n\n"))
        .isInstanceOfSatisfying(BackendException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.ADDRESS_IN_USE));
  }

  @Test
  void malformedRepliesAreProtocolErrorsThatNeverQuoteValues() {
    String badPriv = "private_key=" + PRIV.substring(0, 60) + "zzzz\nerrno=0\n\n";
    for (String reply : List.of(
        "listen_port=1\n", // no errno
        "", // nothing
        "garbage\nerrno=0\n\n",
        "allowed_ip=10.0.0.0/8\nerrno=0\n\n", // peer key before public_key
        "public_key=" + PEER1 + "\nlisten_port=1\nerrno=0\n\n", // device key after a peer
        "public_key=" + PEER1 + "\npublic_key=" + PEER1 + "\nerrno=0\n\n", // duplicate peer
        "public_key=" + PEER1 + "\nallowed_ip=10.0.0.1/33\nerrno=0\n\n",
        "public_key=" + PEER1 + "\nendpoint=host.example:1\nerrno=0\n\n",
        "listen_port=70000\nerrno=0\n\n",
        "listen_port=-1\nerrno=0\n\n",
        "errno=0\nnot blank\n",
        "errno=zero\n\n",
        badPriv,
        "listen_port=1\n" + "x".repeat(5000) + "\nerrno=0\n\n",
        "listen_port=1\u0000\nerrno=0\n\n",
        // A handshake time no Instant can hold (it used to escape as a DateTimeException).
        "public_key=" + PEER1 + "\nlast_handshake_time_sec=9223372036854775807\nerrno=0\n\n")) {
      assertThatThrownBy(() -> parse(reply)).as(reply)
          .isInstanceOfSatisfying(BackendException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.PROTOCOL_ERROR);
            assertThat(e.errno()).as("no errno is made up: the daemon sent none").isEmpty();
            assertThat(e.getMessage()).doesNotContain(PRIV.substring(0, 20));
          });
    }
  }

  @Test
  void arbitraryRepliesGiveOnlyTheTypedException() {
    Props.check(3000, UapiGenerators.replies(), reply -> {
      try {
        parse(reply);
      } catch (BackendException expected) {
        // fine
      } catch (Exception e) {
        throw new AssertionError("unexpected " + e, e);
      }
    });
  }

  /** A parse outcome: the state, or the error's reason and message. */
  private static Object outcome(String reply, boolean fast) {
    try {
      return UapiCodec.parseGet("wg0", new UapiCodec.LineReader(new ByteArrayInputStream(
          reply.getBytes(StandardCharsets.ISO_8859_1))), "getting wg0", fast);
    } catch (BackendException e) {
      return e.reason() + ": " + e.getMessage();
    } catch (Exception e) {
      throw new AssertionError("unexpected " + e, e);
    }
  }

  /**
   * The byte-level path for wireguard-go's per-peer lines and the general path agree on every
   * reply: the same state, or the same error. The lines are near misses of the fast forms
   * (upper-case hex, leading zeros, out-of-range parts and ports, IPv6, 20-digit numbers).
   */
  @Test
  void theFastPathAndTheGeneralPathAgree() {
    Props.check(5000, UapiGenerators.peerReplies(),
        reply -> assertThat(outcome(reply, true)).isEqualTo(outcome(reply, false)));
  }

  @Test
  void writesSetWithDeviceKeysFirstAndUpdateOnlyRightAfterThePublicKey() throws Exception {
    PublicKey p1 = PublicKey.fromHex(PEER1);
    PublicKey p2 = PublicKey.fromHex(PEER2);
    DeviceConfig config = DeviceConfig.builder()
        .privateKey(PrivateKey.fromHex(PRIV))
        .listenPort(51820)
        .firewallMark(-1)
        .replacePeers(true)
        .peer(PeerConfig.builder(p1).updateOnly(true)
            .endpoint(Endpoint.parse("[2001:db8::2]:51820"))
            .persistentKeepalive(Duration.ofSeconds(25))
            .replaceAllowedIps(true)
            .allowedIp(IpPrefix.parse("10.77.0.1/32"))
            .allowedIp(IpPrefix.parse("fd00:77::1/128")).build())
        .peer(PeerConfig.removal(p2))
        .build();
    StringWriter out = new StringWriter();
    UapiCodec.writeSet(out, config);
    assertThat(out.toString()).isEqualTo("set=1\n"
        + "private_key=" + PRIV + "\n"
        + "listen_port=51820\n"
        + "fwmark=4294967295\n"
        + "replace_peers=true\n"
        + "public_key=" + PEER1 + "\n"
        + "update_only=true\n"
        + "endpoint=[2001:db8::2]:51820\n"
        + "persistent_keepalive_interval=25\n"
        + "replace_allowed_ips=true\n"
        + "allowed_ip=10.77.0.1/32\n"
        + "allowed_ip=fd00:77::1/128\n"
        + "public_key=" + PEER2 + "\n"
        + "remove=true\n"
        + "\n");
  }
}
