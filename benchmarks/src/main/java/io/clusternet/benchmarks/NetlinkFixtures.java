package io.clusternet.benchmarks;

import static io.clusternet.netlink.wire.WireGuardGenl.*;

import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.netlink.wire.MessageBuilder;
import io.clusternet.netlink.wire.Netlink;
import io.clusternet.netlink.wire.NetlinkMessage;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Configurations and kernel-format dumps of many peers. */
final class NetlinkFixtures {
  static final int FAMILY = 0x1d;

  private NetlinkFixtures() {}

  static List<PeerConfig> peers(int n, int ipsPerPeer) throws Exception {
    SplittableRandom r = new SplittableRandom(7);
    List<PeerConfig> out = new ArrayList<>(n);
    int ip = 0;
    for (int i = 0; i < n; i++) {
      PeerConfig.Builder b = PeerConfig.builder(Fixtures.key(r))
          .endpoint(Endpoint.of(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16),
              (byte) (i >> 8), (byte) i}), 51820))
          .persistentKeepalive(Duration.ZERO)
          .replaceAllowedIps(true);
      for (int k = 0; k < ipsPerPeer; k++, ip++) {
        b.allowedIp(IpPrefix.of(InetAddress.getByAddress(new byte[] {(byte) 100,
            (byte) (64 + ((ip >> 16) & 63)), (byte) (ip >> 8), (byte) ip}), 32));
      }
      out.add(b.build());
    }
    return out;
  }

  static DeviceConfig config(int n, int ipsPerPeer) throws Exception {
    return DeviceConfig.builder().peers(peers(n, ipsPerPeer)).build();
  }

  /** wgctrl-go's rule: more than 32 peers or 256 IPs → one message per peer (IPs in 256s). */
  static int wgctrlMessages(int n, int ipsPerPeer) {
    if (n <= 32 && n * ipsPerPeer <= 256) return 1;
    return n * Math.max(1, (ipsPerPeer + 255) / 256);
  }

  /** A GET_DEVICE dump as the kernel sends it: device attributes first, peers packed by size. */
  static List<NetlinkMessage> dump(List<PeerConfig> peers, int budget) {
    List<byte[]> raw = new ArrayList<>();
    MessageBuilder m = header(true);
    int nest = m.beginNested(WGDEVICE_A_PEERS);
    for (PeerConfig p : peers) {
      int mark = m.position();
      writePeer(m, p);
      if (m.size() > budget) {
        m.truncate(mark);
        m.endNested(nest);
        raw.add(m.finish(1, 0));
        m = header(false);
        nest = m.beginNested(WGDEVICE_A_PEERS);
        writePeer(m, p);
      }
    }
    m.endNested(nest);
    raw.add(m.finish(1, 0));
    List<NetlinkMessage> out = new ArrayList<>();
    for (byte[] b : raw) {
      try {
        out.addAll(NetlinkMessage.split(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN)));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    return out;
  }

  private static MessageBuilder header(boolean first) {
    MessageBuilder m = new MessageBuilder(FAMILY, Netlink.NLM_F_MULTI)
        .genlHeader(WG_CMD_GET_DEVICE, WG_GENL_VERSION);
    if (first) {
      m.attrU16(WGDEVICE_A_LISTEN_PORT, 51820);
      m.attrU32(WGDEVICE_A_FWMARK, 0);
      m.attrU32(WGDEVICE_A_IFINDEX, 3);
      m.attrString(WGDEVICE_A_IFNAME, "clusternet");
      m.attrBytes(WGDEVICE_A_PRIVATE_KEY, new byte[32]);
      m.attrBytes(WGDEVICE_A_PUBLIC_KEY, new byte[32]);
    }
    return m;
  }

  private static void writePeer(MessageBuilder m, PeerConfig p) {
    int peer = m.beginNested(0);
    m.attrBytes(WGPEER_A_PUBLIC_KEY, p.publicKey().toBytes());
    m.attrBytes(WGPEER_A_PRESHARED_KEY, new byte[32]);
    byte[] addr = p.endpoint().get().address().getAddress();
    m.attrBytes(WGPEER_A_ENDPOINT, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
        .putShort((short) 2).order(ByteOrder.BIG_ENDIAN).putShort((short) 51820).put(addr)
        .array());
    m.attrU16(WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 0);
    m.attrBytes(WGPEER_A_LAST_HANDSHAKE_TIME, ByteBuffer.allocate(16)
        .order(ByteOrder.LITTLE_ENDIAN).putLong(1_700_000_000L).putLong(5).array());
    m.attrBytes(WGPEER_A_RX_BYTES, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(123456).array());
    m.attrBytes(WGPEER_A_TX_BYTES, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(654321).array());
    m.attrU32(WGPEER_A_PROTOCOL_VERSION, 1);
    int ips = m.beginNested(WGPEER_A_ALLOWEDIPS);
    for (IpPrefix ip : p.allowedIps()) {
      int n = m.beginNested(0);
      m.attrU16(WGALLOWEDIP_A_FAMILY, ip.isIpv4() ? 2 : 10);
      m.attrBytes(WGALLOWEDIP_A_IPADDR, ip.addressBytes());
      m.attrU8(WGALLOWEDIP_A_CIDR_MASK, ip.length());
      m.endNested(n);
    }
    m.endNested(ips);
    m.endNested(peer);
  }
}
