package io.clusternet.netlink.genl;

import static io.clusternet.netlink.wire.WireGuardGenl.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.netlink.wire.Attribute;
import io.clusternet.netlink.wire.MessageBuilder;
import io.clusternet.netlink.wire.NetlinkMessage;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.clusternet.props.Props;
import org.junit.jupiter.api.Test;

/** SET_DEVICE packing: budgets, cut peers, device attributes, and the message-count function. */
class WgDeviceCodecTest {
  static PublicKey key(int n) throws Exception {
    byte[] b = new byte[32];
    b[0] = (byte) n;
    b[1] = (byte) (n >> 8);
    b[2] = 7;
    return PublicKey.fromBytes(b);
  }

  static IpPrefix v4(int i) throws Exception {
    return IpPrefix.of(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8),
        (byte) i}), 32);
  }

  /** What the kernel would have after applying the messages, by peer: flags seen and IPs. */
  record Seen(List<Integer> flags, List<IpPrefix> ips) {}

  static Map<PublicKey, Seen> reassemble(List<MessageBuilder> messages, List<String> deviceAttrs)
      throws Exception {
    Map<PublicKey, Seen> out = new LinkedHashMap<>();
    int index = 0;
    for (MessageBuilder mb : messages) {
      NetlinkMessage m = NetlinkMessage.split(ByteBuffer.wrap(mb.finish(1, 0))).get(0);
      for (Attribute a : Attribute.parse(m.payload().duplicate().position(4).slice())) {
        if (a.type() != WGDEVICE_A_PEERS && a.type() != WGDEVICE_A_IFNAME) {
          deviceAttrs.add(index + ":" + a.type());
        }
        if (a.type() != WGDEVICE_A_PEERS) continue;
        assertThat(a.nested()).isTrue();
        for (Attribute p : a.elements()) {
          assertThat(p.nested()).isTrue();
          PublicKey k = null;
          int flags = 0;
          List<IpPrefix> ips = new ArrayList<>();
          for (Attribute pa : p.children()) {
            if (pa.type() == WGPEER_A_PUBLIC_KEY) k = PublicKey.fromBytes(pa.bytes());
            if (pa.type() == WGPEER_A_FLAGS) flags = pa.u32();
            if (pa.type() == WGPEER_A_ALLOWEDIPS) {
              assertThat(pa.nested()).isTrue();
              for (Attribute ip : pa.elements()) {
                byte[] addr = null;
                int mask = 0;
                for (Attribute x : ip.children()) {
                  if (x.type() == WGALLOWEDIP_A_IPADDR) addr = x.bytes();
                  if (x.type() == WGALLOWEDIP_A_CIDR_MASK) mask = x.u8();
                }
                ips.add(IpPrefix.of(InetAddress.getByAddress(addr), mask));
              }
            }
          }
          Seen s = out.computeIfAbsent(k, x -> new Seen(new ArrayList<>(), new ArrayList<>()));
          s.flags().add(flags);
          s.ips().addAll(ips);
        }
      }
      index++;
    }
    return out;
  }

  @Test
  void packedMessagesReassembleToTheConfigAndRespectTheBudget() {
    Props.check(60, GenlGenerators.packingCases(),
        c -> packedMessagesReassemble(c.peers(), c.ipsPerPeer(), c.budget()));
  }

  private static void packedMessagesReassemble(int peers, int ipsPerPeer, int budget)
      throws Exception {
    DeviceConfig.Builder b = DeviceConfig.builder().privateKey(PrivateKey.fromBytes(new byte[32]))
        .listenPort(51820).replacePeers(true);
    int ip = 0;
    for (int p = 0; p < peers; p++) {
      PeerConfig.Builder pc = PeerConfig.builder(key(p)).replaceAllowedIps(true)
          .updateOnly(p % 3 == 0)
          .endpoint(Endpoint.parse("192.0.2.1:51820"))
          .persistentKeepalive(Duration.ofSeconds(25));
      int n = (p % 5 == 0) ? ipsPerPeer : Math.min(ipsPerPeer, 2);
      for (int i = 0; i < n; i++) pc.allowedIp(v4(ip++));
      b.peer(pc.build());
    }
    DeviceConfig config = b.build();
    List<MessageBuilder> messages = WgDeviceCodec.setDevice(0x1d, "wg0", config, budget);
    for (MessageBuilder m : messages) assertThat(m.size()).isLessThanOrEqualTo(budget);
    List<String> deviceAttrs = new ArrayList<>();
    Map<PublicKey, Seen> seen = reassemble(messages, deviceAttrs);
    // Device attributes (private key, port, REPLACE_PEERS) only in the first message.
    assertThat(deviceAttrs).allMatch(s -> s.startsWith("0:"));
    assertThat(deviceAttrs).contains("0:" + WGDEVICE_A_FLAGS, "0:" + WGDEVICE_A_LISTEN_PORT);
    assertThat(seen.keySet()).containsExactlyElementsOf(
        config.peers().stream().map(PeerConfig::publicKey).toList());
    for (PeerConfig p : config.peers()) {
      Seen s = seen.get(p.publicKey());
      assertThat(s.ips()).containsExactlyElementsOf(p.allowedIps());
      // The first chunk carries the peer's flags; continuations never REPLACE_ALLOWEDIPS, but
      // keep UPDATE_ONLY so a continuation never creates a peer.
      int expectedFirst = WGPEER_F_REPLACE_ALLOWEDIPS | (p.updateOnly() ? WGPEER_F_UPDATE_ONLY : 0);
      assertThat(s.flags().get(0)).isEqualTo(expectedFirst);
      for (int f : s.flags().subList(1, s.flags().size())) {
        assertThat(f).isEqualTo(p.updateOnly() ? WGPEER_F_UPDATE_ONLY : 0);
      }
    }
  }

  /** Bytes of one peer with key, flags, IPv4 endpoint, keepalive and k IPv4 allowed IPs. */
  static int peerBytes(int k) {
    return 4 + 36 + 8 + 20 + 8 + (k > 0 ? 4 + 28 * k : 0);
  }

  @Test
  void messageCountFollowsTheDocumentedFunction() throws Exception {
    for (int k : new int[] {1, 4}) {
      for (int n : new int[] {1, 32, 33, 1000, 10_000}) {
        DeviceConfig.Builder b = DeviceConfig.builder();
        int ip = 0;
        for (int p = 0; p < n; p++) {
          PeerConfig.Builder pc = PeerConfig.builder(key(p)).replaceAllowedIps(true)
              .endpoint(Endpoint.parse("192.0.2.1:51820"))
              .persistentKeepalive(Duration.ofSeconds(25));
          for (int i = 0; i < k; i++) pc.allowedIp(v4(ip++));
          b.peer(pc.build());
        }
        int fixed = 16 + 4 + 8 /* IFNAME "wg0" */ + 4 /* PEERS nest */;
        int expected = WgDeviceCodec.messageCount(n, peerBytes(k), 8192 - fixed);
        assertThat(WgDeviceCodec.setDevice(0x1d, "wg0", b.build(), 8192))
            .as("%d peers with %d IPs", n, k).hasSize(expected);
      }
    }
    // For the record: 10,000 peers with one IPv4 each fit 8192-byte messages 75 at a time.
    assertThat(WgDeviceCodec.messageCount(10_000, peerBytes(1), 8192 - 32)).isEqualTo(134);
  }

  @Test
  void aRemovalIsJustKeyAndFlag() throws Exception {
    DeviceConfig c = DeviceConfig.builder().peer(PeerConfig.removal(key(1))).build();
    List<MessageBuilder> m = WgDeviceCodec.setDevice(0x1d, "wg0", c, 8192);
    assertThat(m).hasSize(1);
    Map<PublicKey, Seen> seen = reassemble(m, new ArrayList<>());
    assertThat(seen.get(key(1)).flags()).containsExactly(WGPEER_F_REMOVE_ME);
  }

  @Test
  void endpointsAreSockaddrsWithThePortInNetworkOrder() throws Exception {
    byte[] v4 = WgDeviceCodec.sockaddr(Endpoint.parse("192.0.2.1:51820"));
    assertThat(java.util.HexFormat.of().formatHex(v4))
        .isEqualTo("0200" + "ca6c" + "c0000201" + "0000000000000000");
    byte[] v6 = WgDeviceCodec.sockaddr(Endpoint.parse("[2001:db8::1]:443"));
    assertThat(v6).hasSize(28);
    assertThat(java.util.HexFormat.of().formatHex(v6, 0, 4)).isEqualTo("0a0001bb");
    assertThat(WgDeviceCodec.parseSockaddr(v4)).contains(Endpoint.parse("192.0.2.1:51820"));
    assertThat(WgDeviceCodec.parseSockaddr(v6)).contains(Endpoint.parse("[2001:db8::1]:443"));
    assertThat(WgDeviceCodec.parseSockaddr(new byte[16])).isEmpty();
  }

  /**
   * Issue 13 item 11: a budget above 65,535 bytes could need a WGDEVICE_A_PEERS nest longer than
   * nla_len can say; it is refused up front.
   */
  @Test
  void budgetsThatCouldOverflowANestAreRefused() {
    DeviceConfig config = DeviceConfig.builder().build();
    assertThatThrownBy(() -> WgDeviceCodec.setDevice(0x1d, "wg0", config, 65_536))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65535");
    assertThatThrownBy(() -> WgDeviceCodec.setDevice(0x1d, "wg0", config, 1 << 20))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(WgDeviceCodec.setDevice(0x1d, "wg0", config, 65_535)).hasSize(1);
  }
}
