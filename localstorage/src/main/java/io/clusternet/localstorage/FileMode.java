package io.clusternet.localstorage;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * POSIX permission bits ({@code 0000} to {@code 0777}) for a file or directory.
 *
 * @param bits the permission bits, for example {@code 0600}
 */
public record FileMode(int bits) {
  /** {@code rw-------}: secrets such as private keys. */
  public static final FileMode OWNER_READ_WRITE = new FileMode(0600);
  /** {@code rw-r--r--}. */
  public static final FileMode WORLD_READABLE = new FileMode(0644);
  /** {@code rwx------}: the default for declared directories. */
  public static final FileMode OWNER_ONLY_DIRECTORY = new FileMode(0700);
  /** {@code rwxr-xr-x}. */
  public static final FileMode WORLD_READABLE_DIRECTORY = new FileMode(0755);

  private static final PosixFilePermission[] BITS = {
    PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
    PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
    PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
    PosixFilePermission.OWNER_READ,
  };

  public FileMode {
    if (bits < 0 || bits > 0777) {
      throw new IllegalArgumentException(
          "file mode must be between 0000 and 0777, got 0" + Integer.toOctalString(bits));
    }
  }

  public static FileMode of(int bits) {
    return new FileMode(bits);
  }

  public static FileMode fromPosix(Set<PosixFilePermission> permissions) {
    int bits = 0;
    for (int i = 0; i < BITS.length; i++) {
      if (permissions.contains(BITS[i])) bits |= 1 << i;
    }
    return new FileMode(bits);
  }

  public Set<PosixFilePermission> toPosix() {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((bits & (1 << i)) != 0) out.add(BITS[i]);
    }
    return out;
  }

  /** Whether anyone but the owner may read, write or search. */
  public boolean grantsGroupOrOthers() {
    return (bits & 0077) != 0;
  }

  /** Four octal digits, for example {@code 0600}. */
  @Override
  public String toString() {
    return String.format("%04o", bits);
  }
}
