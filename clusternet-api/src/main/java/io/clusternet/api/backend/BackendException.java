package io.clusternet.api.backend;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A WireGuard backend operation failed in its environment. Carries a {@link Reason}, the
 * operation, and the errno the implementation reported, where there is one. Messages are short,
 * lower-case context chains ("configuring wg0: invalid argument (errno 22)") and never contain
 * key material.
 */
public class BackendException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why an operation failed. */
  public enum Reason {
    /** No such device, address or route (ENODEV, ENOENT, ESRCH; a missing or dead UAPI socket). */
    NOT_FOUND,
    /** Not allowed (EPERM, EACCES): usually CAP_NET_ADMIN is missing. */
    PERMISSION_DENIED,
    /** This backend or kernel cannot do it (EOPNOTSUPP, EPROTONOSUPPORT, a missing family). */
    NOT_SUPPORTED,
    /** The request was rejected as invalid (EINVAL, ERANGE). */
    INVALID_ARGUMENT,
    /** The object to create exists already (EEXIST). */
    ALREADY_EXISTS,
    /** The listen port is taken (EADDRINUSE). */
    ADDRESS_IN_USE,
    /** The implementation answered something that does not follow the protocol (EPROTO). */
    PROTOCOL_ERROR,
    /** The operation did not complete in time. */
    TIMEOUT,
    /** Any other I/O or system failure. */
    IO_ERROR;

    /**
     * The reason for a Linux errno value (sign ignored): the one errno mapping, used by the
     * kernel backend (netlink and libc errors) and the userspace backend (the UAPI's
     * {@code errno=N}). An errno not named in {@link Errno}, or not listed here, is {@link
     * #IO_ERROR}.
     */
    public static Reason forErrno(int errno) {
      return Errno.of(errno).map(Reason::forErrno).orElse(IO_ERROR);
    }

    /** The reason for a named errno. */
    public static Reason forErrno(Errno errno) {
      return switch (errno) {
        case EPERM, EACCES -> PERMISSION_DENIED;
        case ENOENT, ESRCH, ENXIO, ENODEV, EADDRNOTAVAIL -> NOT_FOUND;
        case EINVAL, ERANGE, E2BIG, EMSGSIZE, EBADR -> INVALID_ARGUMENT;
        case EPROTO, EBADMSG -> PROTOCOL_ERROR;
        case EOPNOTSUPP, EPROTONOSUPPORT, EPFNOSUPPORT, EAFNOSUPPORT -> NOT_SUPPORTED;
        case EADDRINUSE -> ADDRESS_IN_USE;
        case EEXIST -> ALREADY_EXISTS;
        case ETIMEDOUT, ETIME -> TIMEOUT;
        default -> IO_ERROR;
      };
    }
  }

  private final Reason reason;
  private final String operation;
  private final int errno; // 0 = none

  public BackendException(Reason reason, String operation, int errno, String message,
      Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.operation = Objects.requireNonNull(operation, "operation");
    this.errno = Math.abs(errno);
  }

  public BackendException(Reason reason, String operation, String message) {
    this(reason, operation, 0, message, null);
  }

  /**
   * A failure reported with an errno by the kernel, libc or a UAPI daemon (never one made up by
   * clusternet): the reason follows {@link Reason#forErrno(int)}.
   */
  public static BackendException ofErrno(String operation, int errno, String detail) {
    Reason reason = Reason.forErrno(errno);
    String name = Errno.of(errno).map(e -> e.name() + ", ").orElse("");
    String text = operation + ": " + reason.name().toLowerCase(java.util.Locale.ROOT)
        .replace('_', ' ') + " (" + name + "errno " + Math.abs(errno) + ")"
        + (detail == null || detail.isEmpty() ? "" : ": " + detail);
    return new BackendException(reason, operation, errno, text, null);
  }

  public Reason reason() {
    return reason;
  }

  /** The operation that failed, such as "configuring wg0". */
  public String operation() {
    return operation;
  }

  /** The positive errno value, if the implementation reported one. */
  public OptionalInt errno() {
    return errno == 0 ? OptionalInt.empty() : OptionalInt.of(errno);
  }
}
