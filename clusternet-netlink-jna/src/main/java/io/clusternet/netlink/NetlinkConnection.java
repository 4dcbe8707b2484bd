package io.clusternet.netlink;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.BackendException.Reason;
import io.clusternet.netlink.wire.MessageBuilder;
import io.clusternet.netlink.wire.Netlink;
import io.clusternet.netlink.wire.NetlinkDecodeException;
import io.clusternet.netlink.wire.NetlinkMessage;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * Request/response over a {@link NetlinkSocket}: sequence numbers, multi-part replies, ACKs,
 * {@code NLMSG_ERROR}/{@code NLMSG_DONE} with errno and extended-ACK text. All failures become
 * {@link BackendException}s in {@link #failure}, the one error-mapping place of this module.
 * Not thread-safe; the backends serialise access.
 */
final class NetlinkConnection implements AutoCloseable {
  private final NetlinkSocket socket;
  private int seq = (int) (System.nanoTime() & 0x7fffffff);

  NetlinkConnection(NetlinkSocket socket) {
    this.socket = socket;
  }

  /** A dump was interrupted by a concurrent change ({@code NLM_F_DUMP_INTR}): retry it. */
  static final class DumpInterruptedException extends Exception {
    private static final long serialVersionUID = 1L;

    DumpInterruptedException() {
      super("dump interrupted", null, false, false);
    }
  }

  /** Sends a request with {@code NLM_F_ACK} and waits for the ACK; returns any data messages. */
  List<NetlinkMessage> execute(MessageBuilder request, String operation) throws BackendException {
    if ((request.flags() & Netlink.NLM_F_ACK) == 0) {
      throw new IllegalArgumentException("execute() needs NLM_F_ACK: the ACK ends the exchange");
    }
    try {
      return exchange(request, operation, false);
    } catch (DumpInterruptedException e) {
      throw new AssertionError("not a dump", e);
    }
  }

  /** Sends a dump request and collects every message until {@code NLMSG_DONE}. */
  List<NetlinkMessage> dump(MessageBuilder request, String operation)
      throws BackendException, DumpInterruptedException {
    return exchange(request, operation, true);
  }

  private List<NetlinkMessage> exchange(MessageBuilder request, String operation, boolean dump)
      throws BackendException, DumpInterruptedException {
    int mySeq = ++seq;
    byte[] bytes = request.finish(mySeq, 0);
    try {
      socket.send(bytes);
    } catch (IOException e) {
      throw failure(operation, e);
    }
    List<NetlinkMessage> data = new ArrayList<>();
    boolean interrupted = false;
    while (true) {
      List<NetlinkMessage> messages;
      try {
        messages = NetlinkMessage.split(socket.receive());
      } catch (IOException e) {
        throw failure(operation, e);
      } catch (NetlinkDecodeException e) {
        throw protocol(operation, e);
      }
      for (NetlinkMessage m : messages) {
        if (m.seq() != mySeq) continue; // a stale reply to an abandoned request
        if ((m.flags() & Netlink.NLM_F_DUMP_INTR) != 0) interrupted = true;
        try {
          switch (m.type()) {
            case Netlink.NLMSG_ERROR -> {
              int code = m.errorCode();
              if (code != 0) throw failure(operation, -code, m.extendedAckMessage());
              if (!dump) return data;
            }
            case Netlink.NLMSG_DONE -> {
              int code = m.doneCode();
              if (code != 0) throw failure(operation, -code, "");
              if (interrupted) throw new DumpInterruptedException();
              return data;
            }
            case Netlink.NLMSG_NOOP -> { }
            case Netlink.NLMSG_OVERRUN -> throw protocol(operation,
                new NetlinkDecodeException("the kernel reports lost data (NLMSG_OVERRUN)"));
            default -> data.add(m);
          }
        } catch (NetlinkDecodeException e) {
          throw protocol(operation, e);
        }
      }
    }
  }

  /** The one place where errno values become {@link BackendException}s. */
  static BackendException failure(String operation, int errno, String extAck) {
    String detail = extAck == null || extAck.isEmpty() ? "" : extAck;
    return BackendException.ofErrno(operation, errno, detail);
  }

  static BackendException failure(String operation, IOException e) {
    if (e instanceof SocketTimeoutException) {
      return new BackendException(Reason.TIMEOUT, operation, 0,
          operation + ": no reply from the kernel in time", e);
    }
    if (e instanceof ErrnoException errno) {
      BackendException b = BackendException.ofErrno(operation, errno.errno(), e.getMessage());
      b.initCause(e);
      return b;
    }
    return new BackendException(Reason.IO_ERROR, operation, 0, operation + ": " + e.getMessage(),
        e);
  }

  static BackendException protocol(String operation, NetlinkDecodeException e) {
    return new BackendException(Reason.PROTOCOL_ERROR, operation, 0,
        operation + ": malformed netlink reply: " + e.getMessage(), e);
  }

  int portId() {
    return socket.portId();
  }

  @Override
  public void close() {
    socket.close();
  }
}
