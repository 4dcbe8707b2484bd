package io.clusternet.netlink.wire;

/** Bytes from the kernel (or a fake of it) are not well-formed netlink. */
public final class NetlinkDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  public NetlinkDecodeException(String message) {
    super(message);
  }
}
