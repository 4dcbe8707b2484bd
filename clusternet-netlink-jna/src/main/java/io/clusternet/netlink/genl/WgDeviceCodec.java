package io.clusternet.netlink.genl;

import static io.clusternet.netlink.wire.WireGuardGenl.*;

import io.clusternet.api.crypto.KeyFormatException;
import io.clusternet.api.crypto.PresharedKey;
import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpAddresses;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.api.wg.PeerState;
import io.clusternet.netlink.wire.Attribute;
import io.clusternet.netlink.wire.GenlCtrl;
import io.clusternet.netlink.wire.MessageBuilder;
import io.clusternet.netlink.wire.Netlink;
import io.clusternet.netlink.wire.NetlinkDecodeException;
import io.clusternet.netlink.wire.NetlinkMessage;
import io.clusternet.netlink.wire.Rtnetlink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The WireGuard generic netlink family's messages.
 *
 * <p><b>SET_DEVICE packing.</b> Like wg(8)'s {@code kernel_set_device} (and unlike wgctrl-go,
 * which sends one message per peer above 32 peers), peers and their allowed IPs are packed into
 * messages of at most {@link #DEFAULT_BUDGET} bytes. Device attributes and {@code
 * WGDEVICE_F_REPLACE_PEERS} go only into the first message. A peer that does not fit whole is cut:
 * the next message continues it with its public key, its {@code WGPEER_F_UPDATE_ONLY} flag if set,
 * and the remaining allowed IPs (never {@code WGPEER_F_REPLACE_ALLOWEDIPS}, which would drop the
 * IPs sent so far). The number of messages for N identical peers of size {@code p} bytes is
 * {@link #messageCount}: {@code ceil(N / floor(room / p))}, where room is the budget minus the
 * message's fixed part.
 */
public final class WgDeviceCodec {
  /** wg(8)'s SOCKET_BUFFER_SIZE on 4 KiB-page machines is 4096; on larger pages 8192. */
  public static final int DEFAULT_BUDGET = 8192;

  /**
   * The largest budget: a message's {@code WGDEVICE_A_PEERS} nest is nearly as long as the message,
   * and a nest's length field holds at most {@value MessageBuilder#MAX_ATTRIBUTE_LENGTH} bytes.
   */
  public static final int MAX_BUDGET = MessageBuilder.MAX_ATTRIBUTE_LENGTH;

  private static final byte[] ZERO_KEY = new byte[32];

  private WgDeviceCodec() {}

  public static MessageBuilder getDevice(int familyId, String name) {
    return new MessageBuilder(familyId, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP)
        .genlHeader(WG_CMD_GET_DEVICE, WG_GENL_VERSION)
        .attrString(WGDEVICE_A_IFNAME, name);
  }

  private static MessageBuilder setHeader(int familyId, String name) {
    return new MessageBuilder(familyId, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK)
        .genlHeader(WG_CMD_SET_DEVICE, WG_GENL_VERSION)
        .attrString(WGDEVICE_A_IFNAME, name);
  }

  /**
   * SET_DEVICE messages for {@code config}, each at most {@code budget} bytes (a single peer
   * header must fit: {@code budget} of at least 512 is always enough).
   *
   * @throws IllegalArgumentException if {@code budget} is below 512 or above {@link #MAX_BUDGET}
   *     (a larger message could need a nest longer than netlink's 16-bit length can describe)
   */
  public static List<MessageBuilder> setDevice(int familyId, String name, DeviceConfig config,
      int budget) {
    if (budget < 512) throw new IllegalArgumentException("budget too small: " + budget);
    if (budget > MAX_BUDGET) {
      throw new IllegalArgumentException("budget " + budget + " exceeds " + MAX_BUDGET
          + " bytes: a WGDEVICE_A_PEERS nest that long cannot be described by its 16-bit length");
    }
    List<MessageBuilder> out = new ArrayList<>();
    MessageBuilder m = setHeader(familyId, name);
    config.privateKey().ifPresent(k -> m.attrBytes(WGDEVICE_A_PRIVATE_KEY, k.toBytes()));
    config.listenPort().ifPresent(p -> m.attrU16(WGDEVICE_A_LISTEN_PORT, p));
    config.firewallMark().ifPresent(f -> m.attrU32(WGDEVICE_A_FWMARK, f));
    if (config.replacePeers()) m.attrU32(WGDEVICE_A_FLAGS, WGDEVICE_F_REPLACE_PEERS);
    MessageBuilder current = m;
    List<PeerConfig> peers = config.peers();
    int peerIndex = 0;
    int ipIndex = 0; // > 0: continuing a cut peer
    while (peerIndex < peers.size()) {
      int peersNest = current.beginNested(WGDEVICE_A_PEERS);
      int inThisMessage = 0;
      while (peerIndex < peers.size()) {
        PeerConfig peer = peers.get(peerIndex);
        int mark = current.position();
        int peerNest = current.beginNested(0);
        current.attrBytes(WGPEER_A_PUBLIC_KEY, peer.publicKey().toBytes());
        if (ipIndex == 0) {
          writePeerHeader(current, peer);
        } else if (peer.updateOnly()) {
          current.attrU32(WGPEER_A_FLAGS, WGPEER_F_UPDATE_ONLY);
        }
        if (current.size() > budget) { // the peer's header does not fit: next message
          checkProgress(inThisMessage, budget);
          current.truncate(mark);
          break;
        }
        List<IpPrefix> ips = peer.allowedIps();
        if (ipIndex < ips.size()) {
          int ipsNest = current.beginNested(WGPEER_A_ALLOWEDIPS);
          int written = 0;
          while (ipIndex < ips.size()) {
            int ipMark = current.position();
            writeAllowedIp(current, ips.get(ipIndex));
            if (current.size() > budget) {
              current.truncate(ipMark);
              break;
            }
            ipIndex++;
            written++;
          }
          if (written == 0) { // not even one IP fits: the peer goes to the next message
            checkProgress(inThisMessage, budget);
            current.truncate(mark);
            break;
          }
          current.endNested(ipsNest);
        }
        current.endNested(peerNest);
        inThisMessage++;
        if (ipIndex < ips.size()) break; // cut: continue this peer in the next message
        peerIndex++;
        ipIndex = 0;
      }
      current.endNested(peersNest);
      out.add(current);
      if (peerIndex < peers.size()) current = setHeader(familyId, name);
    }
    if (out.isEmpty()) out.add(current);
    return out;
  }

  private static void checkProgress(int peersInMessage, int budget) {
    if (peersInMessage == 0) {
      throw new IllegalStateException("a budget of " + budget + " bytes cannot hold one peer");
    }
  }

  private static void writePeerHeader(MessageBuilder m, PeerConfig peer) {
    int flags = (peer.remove() ? WGPEER_F_REMOVE_ME : 0)
        | (peer.updateOnly() ? WGPEER_F_UPDATE_ONLY : 0)
        | (peer.replaceAllowedIps() ? WGPEER_F_REPLACE_ALLOWEDIPS : 0);
    if (flags != 0) m.attrU32(WGPEER_A_FLAGS, flags);
    peer.presharedKey().ifPresent(k -> m.attrBytes(WGPEER_A_PRESHARED_KEY, k.toBytes()));
    peer.endpoint().ifPresent(e -> m.attrBytes(WGPEER_A_ENDPOINT, sockaddr(e)));
    peer.persistentKeepalive().ifPresent(
        k -> m.attrU16(WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, (int) k.getSeconds()));
  }

  private static void writeAllowedIp(MessageBuilder m, IpPrefix ip) {
    int nest = m.beginNested(0);
    m.attrU16(WGALLOWEDIP_A_FAMILY, ip.isIpv4() ? Rtnetlink.AF_INET : Rtnetlink.AF_INET6);
    m.attrBytes(WGALLOWEDIP_A_IPADDR, ip.addressBytes());
    m.attrU8(WGALLOWEDIP_A_CIDR_MASK, ip.length());
    m.endNested(nest);
  }

  /** {@code struct sockaddr_in} (16 bytes) or {@code sockaddr_in6} (28): port in network order. */
  static byte[] sockaddr(Endpoint e) {
    byte[] addr = e.address().getAddress();
    ByteBuffer b = ByteBuffer.allocate(addr.length == 4 ? 16 : 28).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) (addr.length == 4 ? Rtnetlink.AF_INET : Rtnetlink.AF_INET6));
    b.order(ByteOrder.BIG_ENDIAN).putShort((short) e.port());
    if (addr.length == 4) {
      b.put(addr);
    } else {
      b.putInt(0).put(addr).putInt(0);
    }
    return b.array();
  }

  static Optional<Endpoint> parseSockaddr(byte[] raw) throws NetlinkDecodeException {
    if (raw.length < 4) throw new NetlinkDecodeException("short sockaddr"); // family and port
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    int family = Short.toUnsignedInt(b.getShort(0));
    int port = Short.toUnsignedInt(b.order(ByteOrder.BIG_ENDIAN).getShort(2));
    byte[] addr;
    if (family == Rtnetlink.AF_INET && raw.length >= 8) {
      addr = java.util.Arrays.copyOfRange(raw, 4, 8);
    } else if (family == Rtnetlink.AF_INET6 && raw.length >= 24) {
      addr = java.util.Arrays.copyOfRange(raw, 8, 24);
    } else if (family == 0) {
      return Optional.empty();
    } else {
      throw new NetlinkDecodeException("unknown sockaddr family " + family);
    }
    if (port == 0) return Optional.empty();
    // The scope id of a sockaddr_in6 (bytes 24-27) is not read: a zone is dropped, as the UAPI
    // codec drops "%zone"; an IPv4-mapped address stays IPv6.
    return Optional.of(Endpoint.of(IpAddresses.fromBytes(addr), port));
  }

  /**
   * The number of SET_DEVICE messages for {@code peers} peers of {@code bytesPerPeer} bytes each,
   * when each message has {@code room} bytes for peers (budget minus the fixed part).
   */
  public static int messageCount(int peers, int bytesPerPeer, int room) {
    if (peers == 0) return 1;
    int perMessage = Math.max(1, room / bytesPerPeer);
    return (peers + perMessage - 1) / perMessage;
  }

  /**
   * Decodes a GET_DEVICE dump. Later messages carry only peers; a peer cut across messages is
   * continued by its public key, and its allowed IPs are joined in order.
   */
  public static DeviceState parseDevice(String name, List<NetlinkMessage> messages)
      throws NetlinkDecodeException {
    Optional<PrivateKey> privateKey = Optional.empty();
    Optional<PublicKey> publicKey = Optional.empty();
    int listenPort = 0;
    int fwmark = 0;
    Map<PublicKey, PeerAcc> peers = new LinkedHashMap<>();
    try {
      for (NetlinkMessage m : messages) {
        if (m.payload().remaining() < GenlCtrl.GENL_HDRLEN) {
          throw new NetlinkDecodeException("short generic netlink message");
        }
        for (Attribute a : Attribute.parse(
            m.payload().duplicate().position(GenlCtrl.GENL_HDRLEN).slice())) {
          switch (a.type()) {
            case WGDEVICE_A_PRIVATE_KEY -> {
              byte[] k = a.bytes(32);
              privateKey = java.util.Arrays.equals(k, ZERO_KEY) ? Optional.empty()
                  : Optional.of(PrivateKey.fromBytes(k));
            }
            case WGDEVICE_A_PUBLIC_KEY -> {
              byte[] k = a.bytes(32);
              publicKey = java.util.Arrays.equals(k, ZERO_KEY) ? Optional.empty()
                  : Optional.of(PublicKey.fromBytes(k));
            }
            case WGDEVICE_A_LISTEN_PORT -> listenPort = a.u16();
            case WGDEVICE_A_FWMARK -> fwmark = a.u32();
            case WGDEVICE_A_PEERS -> {
              for (Attribute p : a.elements()) parsePeer(p, peers);
            }
            default -> { }
          }
        }
      }
    } catch (KeyFormatException e) {
      throw new NetlinkDecodeException("bad key: " + e.getMessage());
    }
    List<PeerState> states = new ArrayList<>(peers.size());
    for (PeerAcc p : peers.values()) states.add(p.build());
    return new DeviceState(name, privateKey, publicKey, listenPort, fwmark, states);
  }

  private static void parsePeer(Attribute peerAttr, Map<PublicKey, PeerAcc> peers)
      throws NetlinkDecodeException, KeyFormatException {
    List<Attribute> attrs = peerAttr.children();
    PublicKey key = null;
    for (Attribute a : attrs) {
      if (a.type() == WGPEER_A_PUBLIC_KEY) key = PublicKey.fromBytes(a.bytes(32));
    }
    if (key == null) throw new NetlinkDecodeException("peer without a public key");
    PeerAcc acc = peers.computeIfAbsent(key, PeerAcc::new);
    for (Attribute a : attrs) {
      switch (a.type()) {
        case WGPEER_A_PRESHARED_KEY -> {
          byte[] k = a.bytes(32);
          acc.presharedKey = java.util.Arrays.equals(k, ZERO_KEY) ? Optional.empty()
              : Optional.of(PresharedKey.fromBytes(k));
        }
        case WGPEER_A_ENDPOINT -> acc.endpoint = parseSockaddr(a.bytes());
        case WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL ->
            acc.keepalive = Duration.ofSeconds(a.u16());
        case WGPEER_A_LAST_HANDSHAKE_TIME -> {
          ByteBuffer v = a.value();
          long sec;
          long nsec;
          if (v.remaining() == 16) {
            sec = v.getLong(0);
            nsec = v.getLong(8);
          } else if (v.remaining() == 8) {
            sec = v.getInt(0);
            nsec = v.getInt(4);
          } else {
            throw new NetlinkDecodeException("bad handshake time length " + v.remaining());
          }
          if (sec < 0 || sec > Instant.MAX.getEpochSecond() || nsec < 0
              || nsec > 999_999_999L) {
            throw new NetlinkDecodeException("handshake time out of range");
          }
          acc.handshake = sec == 0 && nsec == 0 ? Optional.empty()
              : Optional.of(Instant.ofEpochSecond(sec, nsec));
        }
        case WGPEER_A_RX_BYTES -> acc.rx = a.u64();
        case WGPEER_A_TX_BYTES -> acc.tx = a.u64();
        case WGPEER_A_PROTOCOL_VERSION -> acc.protocolVersion = a.u32();
        case WGPEER_A_ALLOWEDIPS -> {
          for (Attribute ip : a.elements()) acc.allowedIps.add(parseAllowedIp(ip));
        }
        default -> { }
      }
    }
  }

  private static IpPrefix parseAllowedIp(Attribute ip) throws NetlinkDecodeException {
    int family = -1;
    byte[] addr = null;
    int mask = -1;
    for (Attribute a : ip.children()) {
      switch (a.type()) {
        case WGALLOWEDIP_A_FAMILY -> family = a.u16();
        case WGALLOWEDIP_A_IPADDR -> addr = a.bytes();
        case WGALLOWEDIP_A_CIDR_MASK -> mask = a.u8();
        default -> { }
      }
    }
    int expected = family == Rtnetlink.AF_INET ? 4 : family == Rtnetlink.AF_INET6 ? 16 : -1;
    if (addr == null || addr.length != expected || mask < 0 || mask > expected * 8) {
      throw new NetlinkDecodeException("malformed allowed IP");
    }
    return IpPrefix.of(IpAddresses.fromBytes(addr), mask); // a mapped address stays IPv6
  }

  private static final class PeerAcc {
    final PublicKey key;
    Optional<PresharedKey> presharedKey = Optional.empty();
    Optional<Endpoint> endpoint = Optional.empty();
    Duration keepalive = Duration.ZERO;
    Optional<Instant> handshake = Optional.empty();
    long rx;
    long tx;
    int protocolVersion = 1;
    final List<IpPrefix> allowedIps = new ArrayList<>();

    PeerAcc(PublicKey key) {
      this.key = key;
    }

    PeerState build() {
      return new PeerState(key, presharedKey, endpoint, allowedIps, keepalive, handshake, rx, tx,
          protocolVersion);
    }
  }
}
