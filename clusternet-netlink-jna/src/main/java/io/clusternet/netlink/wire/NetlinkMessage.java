package io.clusternet.netlink.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One received netlink message: header fields and a little-endian view of the payload (after
 * the 16-byte header).
 */
public record NetlinkMessage(int type, int flags, int seq, int portId, ByteBuffer payload) {

  /** Splits a datagram into its messages. */
  public static List<NetlinkMessage> split(ByteBuffer datagram) throws NetlinkDecodeException {
    ByteBuffer b = datagram.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    List<NetlinkMessage> out = new ArrayList<>();
    while (b.remaining() > 0) {
      int start = b.position();
      if (b.remaining() < Netlink.NLMSG_HDRLEN) {
        throw new NetlinkDecodeException(b.remaining() + " bytes are too few for a header");
      }
      int len = b.getInt(start);
      if (len < Netlink.NLMSG_HDRLEN || len > b.remaining()) {
        throw new NetlinkDecodeException("message length " + Integer.toUnsignedString(len)
            + " at offset " + start + " does not fit in " + b.remaining() + " bytes");
      }
      int type = Short.toUnsignedInt(b.getShort(start + 4));
      int flags = Short.toUnsignedInt(b.getShort(start + 6));
      int seq = b.getInt(start + 8);
      int port = b.getInt(start + 12);
      ByteBuffer payload = b.duplicate().position(start + Netlink.NLMSG_HDRLEN)
          .limit(start + len).slice().order(ByteOrder.LITTLE_ENDIAN);
      out.add(new NetlinkMessage(type, flags, seq, port, payload));
      b.position(Math.min(b.limit(), start + Netlink.align(len)));
    }
    return out;
  }

  /** For {@code NLMSG_ERROR}: the error code (0 = an ACK, else a negative errno). */
  public int errorCode() throws NetlinkDecodeException {
    if (payload.remaining() < 4) throw new NetlinkDecodeException("short NLMSG_ERROR");
    return payload.getInt(0);
  }

  /** For {@code NLMSG_DONE}: the error code if the kernel sent one (0 otherwise). */
  public int doneCode() {
    return payload.remaining() >= 4 ? payload.getInt(0) : 0;
  }

  /**
   * For {@code NLMSG_ERROR}: the extended-ACK message ({@code NLMSGERR_ATTR_MSG}), or empty.
   * The TLVs follow the echoed request header (and its payload unless {@code NLM_F_CAPPED}).
   */
  public String extendedAckMessage() throws NetlinkDecodeException {
    if ((flags & Netlink.NLM_F_ACK_TLVS) == 0 || payload.remaining() < 4 + Netlink.NLMSG_HDRLEN) {
      return "";
    }
    int echoedLen = payload.getInt(4);
    int tlvStart = 4 + ((flags & Netlink.NLM_F_CAPPED) != 0 ? Netlink.NLMSG_HDRLEN
        : Netlink.align(echoedLen));
    if (tlvStart > payload.remaining()) return "";
    for (Attribute a : Attribute.parse(payload.duplicate().position(tlvStart).slice()
        .order(ByteOrder.LITTLE_ENDIAN))) {
      if (a.type() == Netlink.NLMSGERR_ATTR_MSG) return a.string();
    }
    return "";
  }
}
