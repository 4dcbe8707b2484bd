package io.clusternet.netlink.rtnl;

import static io.clusternet.netlink.wire.Rtnetlink.*;

import io.clusternet.api.backend.LinkInfo;
import io.clusternet.api.backend.Route;
import io.clusternet.api.net.InterfaceAddress;
import io.clusternet.api.net.IpAddresses;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.netlink.wire.Attribute;
import io.clusternet.netlink.wire.MessageBuilder;
import io.clusternet.netlink.wire.Netlink;
import io.clusternet.netlink.wire.NetlinkDecodeException;
import io.clusternet.netlink.wire.NetlinkMessage;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalInt;

/** Encodes rtnetlink requests and decodes replies. Pure: no sockets. */
public final class RtnlCodec {
  private RtnlCodec() {}

  private static MessageBuilder ifinfo(int type, int flags, int index, int ifFlags, int change) {
    return new MessageBuilder(type, flags)
        .u8(AF_UNSPEC).u8(0).u16(0).u32(index).u32(ifFlags).u32(change);
  }

  /** RTM_NEWLINK creating a link of {@code kind} (fails with EEXIST if the name is taken). */
  public static MessageBuilder newLink(String name, String kind, OptionalInt mtu,
      OptionalInt group) {
    MessageBuilder b = ifinfo(RTM_NEWLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK
        | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, 0, 0, 0);
    b.attrString(IFLA_IFNAME, name);
    mtu.ifPresent(m -> b.attrU32(IFLA_MTU, m));
    group.ifPresent(g -> b.attrU32(IFLA_GROUP, g));
    int info = b.beginNested(IFLA_LINKINFO);
    b.attrString(IFLA_INFO_KIND, kind);
    b.endNested(info);
    return b;
  }

  /** RTM_NEWLINK changing an existing link (by index): flags, MTU, group. */
  public static MessageBuilder changeLink(int index, OptionalInt up, OptionalInt mtu,
      OptionalInt group) {
    MessageBuilder b = ifinfo(RTM_NEWLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, index,
        up.isPresent() && up.getAsInt() != 0 ? IFF_UP : 0, up.isPresent() ? IFF_UP : 0);
    mtu.ifPresent(m -> b.attrU32(IFLA_MTU, m));
    group.ifPresent(g -> b.attrU32(IFLA_GROUP, g));
    return b;
  }

  public static MessageBuilder deleteLink(int index) {
    return ifinfo(RTM_DELLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, index, 0, 0);
  }

  /** RTM_GETLINK for one name (answered with one RTM_NEWLINK, or ENODEV). */
  public static MessageBuilder getLink(String name) {
    MessageBuilder b = ifinfo(RTM_GETLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, 0, 0, 0);
    b.attrString(IFLA_IFNAME, name);
    return b;
  }

  public static MessageBuilder dumpLinks() {
    return ifinfo(RTM_GETLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP, 0, 0, 0);
  }

  public static LinkInfo parseLink(NetlinkMessage m) throws NetlinkDecodeException {
    ByteBuffer p = m.payload();
    if (m.type() != RTM_NEWLINK || p.remaining() < IFINFOMSG_LEN) {
      throw new NetlinkDecodeException("not an RTM_NEWLINK message");
    }
    int index = p.getInt(4);
    int flags = p.getInt(8);
    String name = null;
    String kind = null;
    int mtu = 0;
    int group = 0;
    for (Attribute a : Attribute.parse(p.duplicate().position(IFINFOMSG_LEN).slice())) {
      switch (a.type()) {
        case IFLA_IFNAME -> name = a.string();
        case IFLA_MTU -> mtu = a.u32();
        case IFLA_GROUP -> group = a.u32();
        case IFLA_LINKINFO -> {
          for (Attribute i : a.children()) {
            if (i.type() == IFLA_INFO_KIND) kind = i.string();
          }
        }
        default -> { }
      }
    }
    if (name == null) throw new NetlinkDecodeException("link " + index + " has no name");
    return new LinkInfo(index, name, Optional.ofNullable(kind), mtu, (flags & IFF_UP) != 0,
        group);
  }

  private static int family(boolean v4) {
    return v4 ? AF_INET : AF_INET6;
  }

  public static MessageBuilder address(int type, int flags, int index, InterfaceAddress a) {
    MessageBuilder b = new MessageBuilder(type, flags)
        .u8(family(a.isIpv4())).u8(a.prefixLength()).u8(0).u8(RT_SCOPE_UNIVERSE).u32(index);
    byte[] raw = a.address().getAddress();
    b.attrBytes(IFA_LOCAL, raw);
    b.attrBytes(IFA_ADDRESS, raw);
    return b;
  }

  public static MessageBuilder dumpAddresses() {
    return new MessageBuilder(RTM_GETADDR, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP)
        .u8(AF_UNSPEC).u8(0).u8(0).u8(0).u32(0);
  }

  /** The address of an RTM_NEWADDR message and its interface index. */
  public record ParsedAddress(int index, InterfaceAddress address) {}

  public static Optional<ParsedAddress> parseAddress(NetlinkMessage m)
      throws NetlinkDecodeException {
    ByteBuffer p = m.payload();
    if (m.type() != RTM_NEWADDR || p.remaining() < IFADDRMSG_LEN) {
      throw new NetlinkDecodeException("not an RTM_NEWADDR message");
    }
    int prefixLength = Byte.toUnsignedInt(p.get(1));
    int index = p.getInt(4);
    byte[] local = null;
    byte[] address = null;
    for (Attribute a : Attribute.parse(p.duplicate().position(IFADDRMSG_LEN).slice())) {
      if (a.type() == IFA_LOCAL) local = a.bytes();
      if (a.type() == IFA_ADDRESS) address = a.bytes();
    }
    byte[] raw = local != null ? local : address;
    if (raw == null) return Optional.empty();
    if (prefixLength > raw.length * 8) {
      throw new NetlinkDecodeException("address prefix length " + prefixLength + " above "
          + raw.length * 8);
    }
    return Optional.of(new ParsedAddress(index, InterfaceAddress.of(inet(raw), prefixLength)));
  }

  private static InetAddress inet(byte[] raw) throws NetlinkDecodeException {
    if (raw.length != 4 && raw.length != 16) {
      throw new NetlinkDecodeException("address of " + raw.length + " bytes");
    }
    return IpAddresses.fromBytes(raw); // 16 bytes stay IPv6, also an IPv4-mapped address
  }

  public static MessageBuilder route(int type, int flags, Route r, int linkIndex) {
    boolean v4 = r.destination().isIpv4();
    int tableByte = r.table() < 256 ? r.table() : RT_TABLE_UNSPEC;
    MessageBuilder b = new MessageBuilder(type, flags)
        .u8(family(v4)).u8(r.destination().length()).u8(0).u8(0)
        .u8(tableByte).u8(r.protocol())
        .u8(r.gateway().isPresent() ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK)
        .u8(RTN_UNICAST).u32(0);
    b.attrBytes(RTA_DST, r.destination().addressBytes());
    b.attrU32(RTA_OIF, linkIndex);
    b.attrU32(RTA_TABLE, r.table());
    r.gateway().ifPresent(g -> b.attrBytes(RTA_GATEWAY, g.getAddress()));
    r.metric().ifPresent(m -> b.attrU32(RTA_PRIORITY, m));
    return b;
  }

  public static MessageBuilder dumpRoutes() {
    return new MessageBuilder(RTM_GETROUTE, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP)
        .u8(AF_UNSPEC).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
  }

  /** A route of a dump: its fields, with the output interface as an index. */
  public record ParsedRoute(IpPrefix destination, int linkIndex, Optional<InetAddress> gateway,
      int table, int protocol, OptionalInt metric, int type) {}

  public static ParsedRoute parseRoute(NetlinkMessage m) throws NetlinkDecodeException {
    ByteBuffer p = m.payload();
    if (m.type() != RTM_NEWROUTE || p.remaining() < RTMSG_LEN) {
      throw new NetlinkDecodeException("not an RTM_NEWROUTE message");
    }
    int family = Byte.toUnsignedInt(p.get(0));
    int dstLen = Byte.toUnsignedInt(p.get(1));
    int table = Byte.toUnsignedInt(p.get(4));
    int protocol = Byte.toUnsignedInt(p.get(5));
    int type = Byte.toUnsignedInt(p.get(7));
    byte[] dst = family == AF_INET ? new byte[4] : new byte[16];
    int oif = 0;
    InetAddress gateway = null;
    OptionalInt metric = OptionalInt.empty();
    for (Attribute a : Attribute.parse(p.duplicate().position(RTMSG_LEN).slice())) {
      switch (a.type()) {
        case RTA_DST -> dst = a.bytes();
        case RTA_OIF -> oif = a.u32();
        case RTA_GATEWAY -> gateway = inet(a.bytes());
        case RTA_TABLE -> table = a.u32();
        case RTA_PRIORITY -> metric = OptionalInt.of(a.u32());
        default -> { }
      }
    }
    if (dstLen > dst.length * 8) throw new NetlinkDecodeException("bad route prefix length");
    return new ParsedRoute(IpPrefix.of(inet(dst), dstLen), oif, Optional.ofNullable(gateway),
        table, protocol, metric, type);
  }
}
