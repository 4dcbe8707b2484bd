package io.clusternet.localstorage.internal;

import io.clusternet.localstorage.FileMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Atomic, durable whole-file writes (Monogon's {@code FSPlacement.Write}, with its gaps closed):
 *
 * <ol>
 *   <li>a temporary file with a random name in the target's directory, created exclusively
 *       ({@code O_CREAT|O_EXCL}) with the target mode, then set to exactly that mode (undoing the
 *       umask);
 *   <li>the content written fully and {@code fsync}ed;
 *   <li>an atomic {@code rename(2)} over the target, or, for create-if-absent, a {@code link(2)}
 *       that fails if the target exists (then the temporary name is removed);
 *   <li>an {@code fsync} of the directory, so the new name itself survives a power cut.
 * </ol>
 *
 * <p>On failure the temporary file is removed and the target is untouched. A crash can leave one
 * temporary file behind; the next write of the same target removes it, so they never accumulate.
 * A writer holds an exclusive lock on its temporary file until the rename, so a concurrent
 * writer in another process never removes a temporary file still being written.
 * Writes of one target are serialised within this process; concurrent writers of one file in
 * different processes are not supported (the later one may fail, never corrupt the file).
 */
public final class AtomicWrites {
  /** Temporary names are {@code .<name>.<16 hex digits>.clusternet-tmp}. */
  static final String TEMP_SUFFIX = ".clusternet-tmp";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ConcurrentMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private AtomicWrites() {}

  /**
   * Writes {@code content} to {@code target}.
   *
   * @param mode the exact mode, or null on a file system without POSIX permissions
   * @param createNew fail with {@link java.nio.file.FileAlreadyExistsException} if the target
   *     exists, atomically
   */
  public static void write(Path target, byte[] content, FileMode mode, boolean createNew)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    String name = target.getFileName().toString();
    Object lock = LOCKS.computeIfAbsent(target.toAbsolutePath().normalize(), p -> new Object());
    synchronized (lock) {
      removeStaleTemporaries(dir, name);
      Path tmp = null;
      boolean tmpExists = false;
      try {
        FileAttribute<?>[] attrs =
            mode == null
                ? new FileAttribute<?>[0]
                : new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode.toPosix())};
        FileChannel ch;
        for (int attempt = 1; ; attempt++) {
          tmp = dir.resolve(temporaryName(name));
          ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE), attrs);
          tmpExists = true;
          // Held until the rename: another process's cleanup sees a live writer and keeps
          // its hands off (a crashed writer's lock died with it).
          lockQuietly(ch);
          if (Files.exists(tmp, java.nio.file.LinkOption.NOFOLLOW_LINKS)) break;
          // A cleanup locked and removed it between our create and our lock: a new name.
          ch.close();
          tmpExists = false;
          if (attempt == 3) {
            throw new IOException("writing " + target + ": the temporary file was removed "
                + "under us three times");
          }
        }
        try (FileChannel open = ch) {
          if (mode != null) {
            // Created with at most the target's bits (the umask only removes); now exactly them.
            Files.setPosixFilePermissions(tmp, mode.toPosix());
          }
          ByteBuffer buf = ByteBuffer.wrap(content);
          while (buf.hasRemaining()) {
            open.write(buf);
          }
          open.force(true);
          if (createNew) {
            linkOrMoveIfAbsent(tmp, target);
          } else {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
          }
          tmpExists = false;
        }
        syncDirectory(dir);
      } catch (IOException | RuntimeException e) {
        if (tmpExists) {
          try {
            Files.deleteIfExists(tmp);
          } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
    }
  }

  /** An exclusive lock on the channel's file, or none where the file system has no locks. */
  private static java.nio.channels.FileLock lockQuietly(FileChannel ch) {
    try {
      return ch.lock();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  private static void linkOrMoveIfAbsent(Path tmp, Path target) throws IOException {
    try {
      Files.createLink(target, tmp); // link(2): atomic, fails with EEXIST
      Files.delete(tmp);
    } catch (UnsupportedOperationException noHardLinks) {
      // A provider without hard links: check-then-move, atomic only against this process's
      // writers (we hold the target's lock).
      if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new java.nio.file.FileAlreadyExistsException(target.toString());
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /** Creates a directory with exactly {@code mode} and makes its name durable. */
  public static void createDirectory(Path dir, FileMode mode) throws IOException {
    try {
      if (mode == null) {
        Files.createDirectory(dir);
      } else {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(mode.toPosix()));
      }
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // Another process (a racing first start) made it between our look and our mkdir: fine if
      // it is a directory; its mode is set below like ours would be.
      if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) throw e;
    }
    if (mode != null) Files.setPosixFilePermissions(dir, mode.toPosix());
    syncDirectory(dir.toAbsolutePath().getParent());
  }

  static String temporaryName(String name) {
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    return "." + name + "." + HexFormat.of().formatHex(random) + TEMP_SUFFIX;
  }

  static boolean isTemporaryOf(String candidate, String name) {
    String prefix = "." + name + ".";
    if (!candidate.startsWith(prefix) || !candidate.endsWith(TEMP_SUFFIX)) return false;
    String middle = candidate.substring(prefix.length(), candidate.length() - TEMP_SUFFIX.length());
    return middle.length() == 16 && middle.chars().allMatch(c -> Character.digit(c, 16) >= 0);
  }

  /**
   * Where the file system has no locks: a temporary file older than this is taken for a crashed
   * writer's leftover; a younger one may be a concurrent writer's, and is left alone.
   */
  static final java.time.Duration STALE_AFTER = java.time.Duration.ofMinutes(1);

  /**
   * Removes temporaries of {@code name} whose writer is gone. A writer holds an exclusive lock on
   * its temporary file until the rename, and a lock dies with its process: a temporary we can
   * lock is a crashed writer's leftover (removed while we hold its lock), one we cannot is
   * another process's write in flight (left alone; this was issue 11's racing first starts,
   * where one start deleted the other's temporary file). Writers of the same target in this
   * process never overlap (the per-target monitor), so this never meets their files.
   */
  private static void removeStaleTemporaries(Path dir, String name) throws IOException {
    long cutoff = System.currentTimeMillis() - STALE_AFTER.toMillis();
    try (DirectoryStream<Path> stream =
        Files.newDirectoryStream(dir, p -> isTemporaryOf(p.getFileName().toString(), name))) {
      for (Path stale : stream) {
        try (FileChannel ch = FileChannel.open(stale, StandardOpenOption.WRITE,
            java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          boolean writerGone;
          try {
            writerGone = ch.tryLock() != null; // released when ch closes
          } catch (java.nio.channels.OverlappingFileLockException inThisProcess) {
            writerGone = false;
          } catch (IOException | UnsupportedOperationException noLocks) {
            writerGone = Files.getLastModifiedTime(stale, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                .toMillis() < cutoff;
          }
          if (writerGone) Files.deleteIfExists(stale);
        } catch (java.nio.file.NoSuchFileException gone) {
          // its writer finished (or removed it) meanwhile
        }
      }
    }
  }

  /**
   * {@code fsync} of a directory. Required on the default file system (Linux); other providers
   * that cannot open a directory (in-memory file systems) have nothing to flush.
   */
  static void syncDirectory(Path dir) throws IOException {
    FileChannel ch;
    try {
      ch = FileChannel.open(dir, StandardOpenOption.READ);
    } catch (IOException | UnsupportedOperationException e) {
      if (dir.getFileSystem() == FileSystems.getDefault()) throw e;
      return;
    }
    try (ch) {
      ch.force(true);
    }
  }
}
