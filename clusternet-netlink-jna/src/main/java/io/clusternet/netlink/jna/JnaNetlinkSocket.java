package io.clusternet.netlink.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import io.clusternet.api.backend.Errno;
import io.clusternet.netlink.ErrnoException;
import io.clusternet.netlink.NetlinkSocket;
import io.clusternet.netlink.wire.Netlink;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A netlink socket of the real kernel. Optionally opened inside another network namespace (a
 * netlink socket stays bound to the namespace it was created in): the socket is created on a
 * short-lived thread that first joins the namespace with {@code setns(2)}, so no other thread
 * changes namespace.
 */
public final class JnaNetlinkSocket implements NetlinkSocket {
  private static final int RECEIVE_BUFFER = 1 << 20;

  private final AtomicInteger fd;
  private final int portId;
  private final byte[] buffer = new byte[RECEIVE_BUFFER];

  private JnaNetlinkSocket(int fd, int portId) {
    this.fd = new AtomicInteger(fd);
    this.portId = portId;
  }

  /**
   * Opens a socket of the given netlink protocol ({@link Netlink#NETLINK_ROUTE} or {@link
   * Netlink#NETLINK_GENERIC}) in this process's network namespace.
   */
  public static JnaNetlinkSocket open(int protocol, Duration receiveTimeout) throws IOException {
    if (Native.SIZE_T_SIZE != 8) {
      throw new IOException("the netlink backend supports 64-bit Linux only");
    }
    int fd;
    try {
      fd = LibC.socket(Netlink.AF_NETLINK, Netlink.SOCK_RAW | Netlink.SOCK_CLOEXEC, protocol);
    } catch (LastErrorException e) {
      throw errnoException("socket(AF_NETLINK)", e);
    }
    try {
      SockaddrNl local = SockaddrNl.netlink(0);
      local.write();
      LibC.bind(fd, local, local.size());
      SockaddrNl bound = new SockaddrNl();
      int[] len = {bound.size()};
      LibC.getsockname(fd, bound, len);
      bound.read();
      setIntOption(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, RECEIVE_BUFFER);
      setIntOption(fd, LibC.SOL_SOCKET, LibC.SO_SNDBUF, RECEIVE_BUFFER);
      // Best effort, as wgctrl-go: extended ACK error strings and strict dump checking.
      tryIntOption(fd, Netlink.SOL_NETLINK, Netlink.NETLINK_EXT_ACK, 1);
      tryIntOption(fd, Netlink.SOL_NETLINK, Netlink.NETLINK_GET_STRICT_CHK, 1);
      byte[] timeval = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
          .putLong(receiveTimeout.toSeconds())
          .putLong(receiveTimeout.toMillisPart() * 1000L).array();
      LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeval, timeval.length);
      return new JnaNetlinkSocket(fd, bound.nl_pid);
    } catch (LastErrorException e) {
      closeQuietly(fd);
      throw errnoException("setting up a netlink socket", e);
    }
  }

  /**
   * Opens a socket inside the network namespace at {@code namespacePath} (such as {@code
   * /var/run/netns/NAME} or {@code /proc/PID/ns/net}). Needs CAP_SYS_ADMIN.
   */
  public static JnaNetlinkSocket openIn(Path namespacePath, int protocol, Duration receiveTimeout)
      throws IOException {
    AtomicReference<Object> result = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        int nsFd = LibC.open(namespacePath.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        try {
          LibC.setns(nsFd, LibC.CLONE_NEWNET);
        } finally {
          closeQuietly(nsFd);
        }
        result.set(open(protocol, receiveTimeout));
      } catch (LastErrorException e) {
        result.set(errnoException("joining network namespace " + namespacePath, e));
      } catch (IOException | RuntimeException e) {
        result.set(e);
      }
    }, "clusternet-netns-open");
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while opening a netlink socket", e);
    }
    Object r = result.get();
    if (r instanceof JnaNetlinkSocket s) return s;
    if (r instanceof IOException e) throw e;
    throw (RuntimeException) r;
  }

  private static void setIntOption(int fd, int level, int name, int value) {
    byte[] v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    LibC.setsockopt(fd, level, name, v, 4);
  }

  private static void tryIntOption(int fd, int level, int name, int value) {
    try {
      setIntOption(fd, level, name, value);
    } catch (LastErrorException ignored) {
      // older kernels: fine without it
    }
  }

  /** The one place where a libc failure becomes an {@link IOException}: errno is kept. */
  static ErrnoException errnoException(String what, LastErrorException e) {
    return new ErrnoException(what + ": errno " + e.getErrorCode(), e.getErrorCode(), e);
  }

  @Override
  public void send(byte[] datagram) throws IOException {
    int f = requireOpen();
    try {
      long n = LibC.send(f, datagram, datagram.length, 0);
      if (n != datagram.length) {
        throw new IOException("netlink send wrote " + n + " of " + datagram.length + " bytes");
      }
    } catch (LastErrorException e) {
      throw errnoException("sending to netlink", e);
    }
  }

  @Override
  public ByteBuffer receive() throws IOException {
    int f = requireOpen();
    while (true) {
      long n;
      try {
        n = LibC.recv(f, buffer, buffer.length, LibC.MSG_TRUNC);
      } catch (LastErrorException e) {
        if (Errno.EINTR.is(e.getErrorCode())) continue;
        if (Errno.EAGAIN.is(e.getErrorCode())) {
          throw new SocketTimeoutException("no netlink reply in time");
        }
        throw errnoException("receiving from netlink", e);
      }
      if (n > buffer.length) {
        throw new IOException("netlink datagram of " + n + " bytes exceeds the buffer");
      }
      byte[] copy = new byte[(int) n];
      System.arraycopy(buffer, 0, copy, 0, (int) n);
      return ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  private int requireOpen() throws IOException {
    int f = fd.get();
    if (f < 0) throw new IOException("netlink socket is closed");
    return f;
  }

  @Override
  public int portId() {
    return portId;
  }

  @Override
  public void close() {
    int f = fd.getAndSet(-1);
    if (f >= 0) closeQuietly(f);
  }

  private static void closeQuietly(int fd) {
    try {
      LibC.close(fd);
    } catch (LastErrorException ignored) {
      // nothing to do
    }
  }
}
