package io.clusternet.netlink.jna;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * <pre>
 * struct sockaddr_nl {
 *   __kernel_sa_family_t nl_family;  // AF_NETLINK (u16)
 *   unsigned short       nl_pad;     // zero
 *   __u32                nl_pid;     // port ID
 *   __u32                nl_groups;  // multicast groups mask
 * };                                 // 12 bytes
 * </pre>
 */
@FieldOrder({"nl_family", "nl_pad", "nl_pid", "nl_groups"})
public final class SockaddrNl extends Structure {
  public short nl_family;
  public short nl_pad;
  public int nl_pid;
  public int nl_groups;

  public SockaddrNl() {
    super(ALIGN_NONE);
  }

  static SockaddrNl netlink(int pid) {
    SockaddrNl a = new SockaddrNl();
    a.nl_family = (short) io.clusternet.netlink.wire.Netlink.AF_NETLINK;
    a.nl_pid = pid;
    return a;
  }
}
