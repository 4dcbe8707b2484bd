package io.clusternet.netlink.wire;

/**
 * Constants of {@code linux/rtnetlink.h}, {@code linux/if_link.h}, {@code linux/if_addr.h} and
 * {@code linux/if.h} (checked against the headers by {@code HeaderConstantsTest}).
 */
public final class Rtnetlink {
  private Rtnetlink() {}

  public static final int RTM_NEWLINK = 16;
  public static final int RTM_DELLINK = 17;
  public static final int RTM_GETLINK = 18;
  public static final int RTM_NEWADDR = 20;
  public static final int RTM_DELADDR = 21;
  public static final int RTM_GETADDR = 22;
  public static final int RTM_NEWROUTE = 24;
  public static final int RTM_DELROUTE = 25;
  public static final int RTM_GETROUTE = 26;

  /** {@code struct ifinfomsg}: family, pad, type u16, index s32, flags u32, change u32. */
  public static final int IFINFOMSG_LEN = 16;
  /** {@code struct ifaddrmsg}: family, prefixlen, flags, scope u8; index u32. */
  public static final int IFADDRMSG_LEN = 8;
  /** {@code struct rtmsg}: family, dst_len, src_len, tos, table, protocol, scope, type; flags u32. */
  public static final int RTMSG_LEN = 12;

  public static final int IFLA_ADDRESS = 1;
  public static final int IFLA_IFNAME = 3;
  public static final int IFLA_MTU = 4;
  public static final int IFLA_OPERSTATE = 16;
  public static final int IFLA_LINKINFO = 18;
  public static final int IFLA_GROUP = 27;
  public static final int IFLA_INFO_KIND = 1;

  public static final int IFF_UP = 1;

  public static final int IFA_ADDRESS = 1;
  public static final int IFA_LOCAL = 2;

  public static final int RTA_DST = 1;
  public static final int RTA_OIF = 4;
  public static final int RTA_GATEWAY = 5;
  public static final int RTA_PRIORITY = 6;
  public static final int RTA_TABLE = 15;

  public static final int RT_TABLE_UNSPEC = 0;
  public static final int RT_TABLE_MAIN = 254;
  public static final int RTN_UNICAST = 1;
  public static final int RT_SCOPE_UNIVERSE = 0;
  public static final int RT_SCOPE_LINK = 253;
  public static final int RTPROT_STATIC = 4;

  public static final int AF_UNSPEC = 0;
  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;
}
