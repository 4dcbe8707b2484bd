package io.clusternet.netlink;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The narrow seam between the netlink backends and the kernel: send one datagram, receive one.
 * {@code JnaNetlinkSocket} talks to the real kernel; tests fake the kernel as a function from a
 * request to its responses.
 */
public interface NetlinkSocket extends AutoCloseable {
  /** Sends one datagram (one or more complete messages). */
  void send(byte[] datagram) throws IOException;

  /**
   * Receives one datagram.
   *
   * @throws java.net.SocketTimeoutException if nothing arrives within the socket's timeout
   */
  ByteBuffer receive() throws IOException;

  /** The port id the kernel assigned to this socket. */
  int portId();

  /** Closes the socket; idempotent. */
  @Override
  void close();
}
