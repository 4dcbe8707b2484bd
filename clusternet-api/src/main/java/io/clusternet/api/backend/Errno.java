package io.clusternet.api.backend;

import java.util.Optional;

/**
 * The Linux errno values clusternet's backends meet, named once (values from the kernel's
 * {@code include/uapi/asm-generic/errno-base.h} and {@code errno.h}, which x86 and arm64 use). The
 * kernel reports them negated in netlink replies ({@code NLMSG_ERROR}, {@code NLMSG_DONE}), libc
 * in {@code errno}, and wireguard-go negated in its UAPI {@code errno=N} line.
 * {@link BackendException.Reason#forErrno} maps them to a reason, for both backends.
 */
public enum Errno {
  EPERM(1),
  ENOENT(2),
  ESRCH(3),
  EINTR(4),
  EIO(5),
  ENXIO(6),
  E2BIG(7),
  EAGAIN(11),
  ENOMEM(12),
  EACCES(13),
  EBUSY(16),
  EEXIST(17),
  ENODEV(19),
  EINVAL(22),
  ENOSPC(28),
  EPIPE(32),
  ERANGE(34),
  EBADR(53),
  /** wireguard-go's "unknown error" in a UAPI reply ({@code ipcErrorUnknown}). */
  ENOANO(55),
  ETIME(62),
  EPROTO(71),
  EBADMSG(74),
  EMSGSIZE(90),
  EPROTONOSUPPORT(93),
  EOPNOTSUPP(95),
  EPFNOSUPPORT(96),
  EAFNOSUPPORT(97),
  EADDRINUSE(98),
  EADDRNOTAVAIL(99),
  ECONNRESET(104),
  ENOBUFS(105),
  ETIMEDOUT(110);

  private static final Errno[] BY_VALUE = new Errno[128];

  static {
    for (Errno e : values()) BY_VALUE[e.value] = e;
  }

  private final int value;

  Errno(int value) {
    this.value = value;
  }

  /** The positive Linux value. */
  public int value() {
    return value;
  }

  /** The named errno for {@code errno} (sign ignored: netlink and UAPI send it negated). */
  public static Optional<Errno> of(int errno) {
    int v = Math.abs(errno);
    return v >= 0 && v < BY_VALUE.length ? Optional.ofNullable(BY_VALUE[v]) : Optional.empty();
  }

  /** Whether {@code errno} (sign ignored) is this one. */
  public boolean is(int errno) {
    return Math.abs(errno) == value;
  }
}
