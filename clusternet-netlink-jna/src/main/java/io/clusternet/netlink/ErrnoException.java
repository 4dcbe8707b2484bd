package io.clusternet.netlink;

import java.io.IOException;

/** A system call on a netlink socket failed with {@link #errno()}. */
public final class ErrnoException extends IOException {
  private static final long serialVersionUID = 1L;
  private final int errno;

  public ErrnoException(String message, int errno, Throwable cause) {
    super(message, cause);
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }
}
