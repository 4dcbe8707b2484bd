package io.clusternet.netlink.genl;

import static io.clusternet.netlink.wire.WireGuardGenl.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerState;
import io.clusternet.netlink.rtnl.RtnlCodec;
import io.clusternet.props.Gens;
import io.clusternet.props.Props;
import io.clusternet.netlink.wire.MessageBuilder;
import io.clusternet.netlink.wire.Netlink;
import io.clusternet.netlink.wire.NetlinkDecodeException;
import io.clusternet.netlink.wire.NetlinkMessage;
import io.clusternet.netlink.wire.Rtnetlink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 items 9 and 10 for the kernel's decoders: IPv4-mapped IPv6 addresses stay IPv6, a
 * scoped endpoint loses its zone (as in the UAPI codec), and nothing but {@link
 * NetlinkDecodeException} leaves a decoder.
 */
class DeviceDataDecodingTest {
  static final byte[] MAPPED = HexFormat.of().parseHex("00000000000000000000ffffc0000201");
  static final byte[] FE80_1 = HexFormat.of().parseHex("fe800000000000000000000000000001");

  static PublicKey key() throws Exception {
    byte[] b = new byte[32];
    b[0] = 9;
    return PublicKey.fromBytes(b);
  }

  /** A one-message GET_DEVICE reply with one peer, whose attributes {@code peer} writes. */
  static List<NetlinkMessage> reply(Consumer<MessageBuilder> peer) throws Exception {
    MessageBuilder b = new MessageBuilder(0x1d, Netlink.NLM_F_MULTI)
        .genlHeader(WG_CMD_GET_DEVICE, 1);
    b.attrU16(WGDEVICE_A_LISTEN_PORT, 51820);
    int peers = b.beginNested(WGDEVICE_A_PEERS);
    int p = b.beginNested(0);
    b.attrBytes(WGPEER_A_PUBLIC_KEY, key().toBytes());
    peer.accept(b);
    b.endNested(p);
    b.endNested(peers);
    return NetlinkMessage.split(ByteBuffer.wrap(b.finish(1, 0)));
  }

  static void allowedIp(MessageBuilder b, int family, byte[] addr, int mask) {
    int ips = b.beginNested(WGPEER_A_ALLOWEDIPS);
    int n = b.beginNested(0);
    b.attrU16(WGALLOWEDIP_A_FAMILY, family);
    b.attrBytes(WGALLOWEDIP_A_IPADDR, addr);
    b.attrU8(WGALLOWEDIP_A_CIDR_MASK, mask);
    b.endNested(n);
    b.endNested(ips);
  }

  /** {@code struct sockaddr_in6}: family, port (network order), flowinfo, address, scope id. */
  static byte[] sockaddrIn6(byte[] addr, int port, int scopeId) {
    ByteBuffer s = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
    s.putShort((short) Rtnetlink.AF_INET6);
    s.order(ByteOrder.BIG_ENDIAN).putShort((short) port).putInt(0).put(addr);
    s.order(ByteOrder.LITTLE_ENDIAN).putInt(scopeId);
    return s.array();
  }

  static PeerState onlyPeer(List<NetlinkMessage> reply) throws Exception {
    DeviceState d = WgDeviceCodec.parseDevice("wg0", reply);
    assertThat(d.peers()).hasSize(1);
    return d.peers().get(0);
  }

  @Test
  void aMappedAllowedIpStaysAnIpv6Prefix() throws Exception {
    PeerState p = onlyPeer(reply(b -> allowedIp(b, Rtnetlink.AF_INET6, MAPPED, 128)));
    assertThat(p.allowedIps()).containsExactly(IpPrefix.parse("::ffff:192.0.2.1/128"));
    assertThat(p.allowedIps().get(0).isIpv4()).isFalse();
  }

  @Test
  void aMappedEndpointStaysIpv6() throws Exception {
    PeerState p = onlyPeer(reply(b -> b.attrBytes(WGPEER_A_ENDPOINT,
        sockaddrIn6(MAPPED, 51820, 0))));
    assertThat(p.endpoint()).contains(Endpoint.parse("[::ffff:192.0.2.1]:51820"));
    assertThat(p.endpoint().get().isIpv4()).isFalse();
  }

  @Test
  void aScopedEndpointLosesItsZoneAsInTheUapiCodec() throws Exception {
    PeerState p = onlyPeer(reply(b -> b.attrBytes(WGPEER_A_ENDPOINT,
        sockaddrIn6(FE80_1, 51820, 2))));
    assertThat(p.endpoint()).contains(Endpoint.parse("[fe80::1]:51820"));
  }

  @Test
  void aHandshakeTimeBeyondInstantIsATypedError() throws Exception {
    List<NetlinkMessage> reply = reply(b -> b.attrBytes(WGPEER_A_LAST_HANDSHAKE_TIME,
        ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE)
            .putLong(0).array()));
    assertThatThrownBy(() -> WgDeviceCodec.parseDevice("wg0", reply))
        .isInstanceOf(NetlinkDecodeException.class);
    List<NetlinkMessage> negative = reply(b -> b.attrBytes(WGPEER_A_LAST_HANDSHAKE_TIME,
        ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).putLong(-1).array()));
    assertThatThrownBy(() -> WgDeviceCodec.parseDevice("wg0", negative))
        .isInstanceOf(NetlinkDecodeException.class);
  }

  @Test
  void rtnetlinkAddressesAndRoutesKeepMappedAddressesIpv6AndRejectBadLengthsTyped()
      throws Exception {
    MessageBuilder addr = new MessageBuilder(Rtnetlink.RTM_NEWADDR, 0)
        .u8(Rtnetlink.AF_INET6).u8(128).u8(0).u8(0).u32(3);
    addr.attrBytes(Rtnetlink.IFA_ADDRESS, MAPPED);
    RtnlCodec.ParsedAddress a = RtnlCodec.parseAddress(
        NetlinkMessage.split(ByteBuffer.wrap(addr.finish(1, 0))).get(0)).orElseThrow();
    assertThat(a.address().toString()).isEqualTo("::ffff:192.0.2.1/128");

    MessageBuilder tooLong = new MessageBuilder(Rtnetlink.RTM_NEWADDR, 0)
        .u8(Rtnetlink.AF_INET).u8(40).u8(0).u8(0).u32(3);
    tooLong.attrBytes(Rtnetlink.IFA_ADDRESS, new byte[] {10, 0, 0, 1});
    assertThatThrownBy(() -> RtnlCodec.parseAddress(
            NetlinkMessage.split(ByteBuffer.wrap(tooLong.finish(1, 0))).get(0)))
        .isInstanceOf(NetlinkDecodeException.class);

    MessageBuilder route = new MessageBuilder(Rtnetlink.RTM_NEWROUTE, 0)
        .u8(Rtnetlink.AF_INET6).u8(128).u8(0).u8(0).u8(254).u8(3).u8(0).u8(1).u32(0);
    route.attrBytes(Rtnetlink.RTA_DST, MAPPED);
    route.attrU32(Rtnetlink.RTA_OIF, 3);
    RtnlCodec.ParsedRoute r = RtnlCodec.parseRoute(
        NetlinkMessage.split(ByteBuffer.wrap(route.finish(1, 0))).get(0));
    assertThat(r.destination().toString()).isEqualTo("::ffff:192.0.2.1/128");

    MessageBuilder badDst = new MessageBuilder(Rtnetlink.RTM_NEWROUTE, 0)
        .u8(Rtnetlink.AF_INET6).u8(64).u8(0).u8(0).u8(254).u8(3).u8(0).u8(1).u32(0);
    badDst.attrBytes(Rtnetlink.RTA_DST, new byte[5]);
    assertThatThrownBy(() -> RtnlCodec.parseRoute(
            NetlinkMessage.split(ByteBuffer.wrap(badDst.finish(1, 0))).get(0)))
        .isInstanceOf(NetlinkDecodeException.class);
  }

  /**
   * No unchecked exception ever leaves the decoder, whatever the peers hold (mapped and scoped
   * addresses, odd families and lengths, any handshake time), and every allowed IP it does decode
   * keeps the family it was sent with: 16 bytes stay IPv6.
   */
  @Test
  void arbitraryPeersGiveOnlyTheTypedExceptionAndKeepTheirFamily() {
    Props.check(3000, Gens.lists(GenlGenerators.peers(), 1, 4), peers -> {
      List<NetlinkMessage> reply;
      try {
        MessageBuilder b = new MessageBuilder(0x1d, Netlink.NLM_F_MULTI)
            .genlHeader(WG_CMD_GET_DEVICE, 1);
        int nest = b.beginNested(WGDEVICE_A_PEERS);
        for (int i = 0; i < peers.size(); i++) {
          GenlGenerators.PeerCase peer = peers.get(i);
          int p = b.beginNested(0);
          byte[] key = new byte[32];
          key[0] = (byte) (i + 1);
          b.attrBytes(WGPEER_A_PUBLIC_KEY, key);
          b.attrBytes(WGPEER_A_ENDPOINT, peer.endpoint());
          b.attrBytes(WGPEER_A_LAST_HANDSHAKE_TIME, peer.handshake());
          int ips = b.beginNested(WGPEER_A_ALLOWEDIPS);
          for (GenlGenerators.AllowedIpCase ip : peer.allowedIps()) {
            int n = b.beginNested(0);
            b.attrU16(WGALLOWEDIP_A_FAMILY, ip.family());
            b.attrBytes(WGALLOWEDIP_A_IPADDR, ip.address());
            b.attrU8(WGALLOWEDIP_A_CIDR_MASK, ip.mask());
            b.endNested(n);
          }
          b.endNested(ips);
          b.endNested(p);
        }
        b.endNested(nest);
        reply = NetlinkMessage.split(ByteBuffer.wrap(b.finish(1, 0)));
      } catch (NetlinkDecodeException e) {
        throw new AssertionError(e);
      }
      DeviceState d;
      try {
        d = WgDeviceCodec.parseDevice("wg0", reply);
      } catch (NetlinkDecodeException expected) {
        return;
      }
      assertThat(d.peers()).hasSize(peers.size());
      for (int i = 0; i < peers.size(); i++) {
        List<GenlGenerators.AllowedIpCase> sent = peers.get(i).allowedIps();
        List<IpPrefix> got = d.peers().get(i).allowedIps();
        assertThat(got).hasSize(sent.size());
        for (int j = 0; j < sent.size(); j++) {
          assertThat(got.get(j).addressBytes()).hasSize(sent.get(j).address().length);
          assertThat(got.get(j).isIpv4()).isEqualTo(sent.get(j).family() == Rtnetlink.AF_INET);
        }
      }
    });
  }
}
