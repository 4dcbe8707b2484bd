package io.clusternet.netlink;

import io.clusternet.netlink.wire.Attribute;
import io.clusternet.netlink.wire.GenlCtrl;
import io.clusternet.netlink.wire.MessageBuilder;
import io.clusternet.netlink.wire.Netlink;
import io.clusternet.netlink.wire.NetlinkMessage;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The kernel as a function from one request message to its response messages (as mdlayher's
 * nltest). Responses get the request's sequence number; a {@code NLMSG_DONE} or ACK must be part
 * of what the function returns, as the kernel would send it.
 */
final class FakeNetlinkSocket implements NetlinkSocket {
  /** The fake kernel. */
  interface Kernel {
    List<byte[]> handle(NetlinkMessage request) throws Exception;
  }

  private final Kernel kernel;
  private final Deque<ByteBuffer> pending = new ArrayDeque<>();
  final List<NetlinkMessage> requests = new ArrayList<>();
  boolean closed;

  FakeNetlinkSocket(Kernel kernel) {
    this.kernel = kernel;
  }

  /** Answers CTRL_CMD_GETFAMILY for {@code family} with {@code id}; everything else goes to {@code next}. */
  static Kernel serveFamily(String family, int id, Kernel next) {
    return req -> {
      if (req.type() == GenlCtrl.GENL_ID_CTRL) {
        String asked = "";
        for (Attribute a : Attribute.parse(req.payload().duplicate().position(4).slice())) {
          if (a.type() == GenlCtrl.CTRL_ATTR_FAMILY_NAME) asked = a.string();
        }
        if (!asked.equals(family)) return List.of(error(req, -2));
        byte[] reply = new MessageBuilder(GenlCtrl.GENL_ID_CTRL, 0)
            .genlHeader(1, 2).attrString(GenlCtrl.CTRL_ATTR_FAMILY_NAME, family)
            .attrU16(GenlCtrl.CTRL_ATTR_FAMILY_ID, id).finish(req.seq(), 0);
        return List.of(reply, error(req, 0));
      }
      return next.handle(req);
    };
  }

  /** An NLMSG_ERROR for {@code req}: 0 is an ACK, else a negative errno. */
  static byte[] error(NetlinkMessage req, int code) {
    return new MessageBuilder(Netlink.NLMSG_ERROR, 0).u32(code)
        .u32(Netlink.NLMSG_HDRLEN).u16(req.type()).u16(req.flags()).u32(req.seq()).u32(0)
        .finish(req.seq(), 0);
  }

  /** An NLMSG_ERROR with an extended-ACK message. */
  static byte[] errorWithMessage(NetlinkMessage req, int code, String text) {
    MessageBuilder b = new MessageBuilder(Netlink.NLMSG_ERROR,
        Netlink.NLM_F_CAPPED | Netlink.NLM_F_ACK_TLVS).u32(code)
        .u32(Netlink.NLMSG_HDRLEN).u16(req.type()).u16(req.flags()).u32(req.seq()).u32(0);
    b.attrString(Netlink.NLMSGERR_ATTR_MSG, text);
    return b.finish(req.seq(), 0);
  }

  static byte[] done(NetlinkMessage req, int flags) {
    return new MessageBuilder(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI | flags).u32(0)
        .finish(req.seq(), 0);
  }

  @Override
  public void send(byte[] datagram) throws IOException {
    if (closed) throw new IOException("closed");
    try {
      for (NetlinkMessage m : NetlinkMessage.split(ByteBuffer.wrap(datagram)
          .order(ByteOrder.LITTLE_ENDIAN))) {
        requests.add(m);
        for (byte[] r : kernel.handle(m)) {
          pending.add(ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN));
        }
      }
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  @Override
  public ByteBuffer receive() throws IOException {
    if (pending.isEmpty()) throw new SocketTimeoutException("the fake kernel sent nothing");
    return pending.poll();
  }

  @Override
  public int portId() {
    return 4242;
  }

  @Override
  public void close() {
    closed = true;
  }
}
