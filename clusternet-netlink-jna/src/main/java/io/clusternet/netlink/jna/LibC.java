package io.clusternet.netlink.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/** Direct-mapped libc calls. Every call throws {@link LastErrorException} carrying errno. */
final class LibC {
  static {
    Native.register(Platform.C_LIBRARY_NAME);
  }

  private LibC() {}

  static final int SOL_SOCKET = 1;
  static final int SO_RCVTIMEO = 20;
  static final int SO_SNDBUF = 7;
  static final int SO_RCVBUF = 8;
  static final int MSG_TRUNC = 0x20;
  static final int O_RDONLY = 0;
  static final int O_CLOEXEC = 0x80000;
  static final int CLONE_NEWNET = 0x40000000;

  /** {@code int socket(int domain, int type, int protocol);} */
  static native int socket(int domain, int type, int protocol) throws LastErrorException;

  /** {@code int bind(int fd, const struct sockaddr *addr, socklen_t len);} */
  static native int bind(int fd, SockaddrNl addr, int len) throws LastErrorException;

  /** {@code int getsockname(int fd, struct sockaddr *addr, socklen_t *len);} */
  static native int getsockname(int fd, SockaddrNl addr, int[] len) throws LastErrorException;

  /** {@code int setsockopt(int fd, int level, int name, const void *value, socklen_t len);} */
  static native int setsockopt(int fd, int level, int name, byte[] value, int len)
      throws LastErrorException;

  /** {@code ssize_t send(int fd, const void *buf, size_t len, int flags);} (LP64: size_t = long) */
  static native long send(int fd, byte[] buf, long len, int flags) throws LastErrorException;

  /** {@code ssize_t recv(int fd, void *buf, size_t len, int flags);} */
  static native long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

  /** {@code int close(int fd);} */
  static native int close(int fd) throws LastErrorException;

  /** {@code int open(const char *path, int flags);} */
  static native int open(String path, int flags) throws LastErrorException;

  /** {@code int setns(int fd, int nstype);} — affects the calling thread only. */
  static native int setns(int fd, int nstype) throws LastErrorException;
}
