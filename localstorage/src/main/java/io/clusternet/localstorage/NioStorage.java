package io.clusternet.localstorage;

import io.clusternet.localstorage.internal.AtomicWrites;
import io.clusternet.localstorage.internal.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link Storage} on a directory of any {@code java.nio.file} file system: the default one, or
 * an in-memory one such as Jimfs. POSIX modes are applied where the file system supports the
 * {@code posix} attribute view and ignored elsewhere. Writes go through {@code AtomicWrites}:
 * temporary file, {@code fsync}, atomic rename, {@code fsync} of the directory.
 */
public final class NioStorage implements Storage {
  private final Path root;
  private final boolean posix;
  private final boolean unix;
  /** This process's user id (-1 where unknown, which trusts only root). */
  private static final int PROCESS_UID = processUid();

  private static int processUid() {
    try {
      return (int) new com.sun.security.auth.module.UnixSystem().getUid();
    } catch (LinkageError | RuntimeException notUnix) {
      return -1;
    }
  }

  private NioStorage(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
    this.unix = root.getFileSystem().supportedFileAttributeViews().contains("unix");
  }

  /**
   * Storage rooted at {@code root}. Nothing is touched until the first operation; the root
   * directory is created (with its parents) by {@code createDirectory(StoragePath.ROOT, …)},
   * which {@link Directory#create()} on a root directory does.
   */
  public static NioStorage at(Path root) {
    return new NioStorage(Objects.requireNonNull(root, "root"));
  }

  /** The absolute root directory. */
  public Path root() {
    return root;
  }

  /** The file-system path of a storage path. */
  public Path resolve(StoragePath path) {
    Path p = root;
    for (String name : path.names()) {
      p = p.resolve(name);
    }
    return p;
  }

  @Override
  public String location(StoragePath path) {
    return resolve(path).toString();
  }

  @Override
  public boolean exists(StoragePath path) throws StorageException {
    try {
      Files.readAttributes(resolve(path), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw IoErrors.wrap("checking", location(path), e);
    }
  }

  @Override
  public Optional<byte[]> read(StoragePath path) throws StorageException {
    try {
      // Only a regular file is read: opening a FIFO blocks until a writer comes (maybe never),
      // and a character device such as /dev/zero never ends.
      BasicFileAttributes attrs = Files.readAttributes(resolve(path), BasicFileAttributes.class);
      if (!attrs.isRegularFile() && !attrs.isDirectory()) {
        throw new StorageException(StorageException.Reason.WRONG_TYPE, location(path),
            "reading " + location(path) + ": not a regular file (a FIFO, socket or device)");
      }
      return Optional.of(Files.readAllBytes(resolve(path)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw IoErrors.wrap("reading", location(path), e);
    }
  }

  @Override
  public void write(StoragePath path, byte[] content, FileMode mode, WriteMode writeMode)
      throws StorageException {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(mode, "mode");
    if (path.isRoot()) throw new IllegalArgumentException("cannot write the storage root");
    try {
      AtomicWrites.write(resolve(path), content, posix ? mode : null,
          writeMode == WriteMode.CREATE_NEW);
    } catch (IOException e) {
      throw IoErrors.wrap("writing", location(path), e);
    }
  }

  @Override
  public void createDirectory(StoragePath path, FileMode mode) throws StorageException {
    Path dir = resolve(path);
    try {
      if (path.isRoot()) {
        if (!Files.isDirectory(dir)) {
          Files.createDirectories(dir);
        }
        return;
      }
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(dir, BasicFileAttributes.class);
      } catch (NoSuchFileException absent) {
        AtomicWrites.createDirectory(dir, posix ? mode : null);
        return;
      }
      if (!attrs.isDirectory()) {
        throw new StorageException(StorageException.Reason.WRONG_TYPE, location(path),
            "creating directory " + location(path) + ": exists and is not a directory");
      }
      if (posix && !currentMode(dir).equals(mode)) {
        try {
          Files.setPosixFilePermissions(dir, mode.toPosix());
        } catch (IOException e) {
          StorageException typed = IoErrors.wrap("setting the mode of", location(path), e);
          // A read-only mount (a Kubernetes Secret, a ro bind mount): the directory is there and
          // nobody can change it; the caller checks its mode if it matters (see Storage).
          if (typed.reason() != StorageException.Reason.READ_ONLY) throw typed;
        }
      }
    } catch (IOException e) {
      throw IoErrors.wrap("creating directory", location(path), e);
    }
  }

  @Override
  public Optional<FileMode> mode(StoragePath path) throws StorageException {
    try {
      if (!posix) {
        Files.readAttributes(resolve(path), BasicFileAttributes.class);
        return Optional.empty();
      }
      return Optional.of(currentMode(resolve(path)));
    } catch (IOException e) {
      throw IoErrors.wrap("reading the mode of", location(path), e);
    }
  }

  private static FileMode currentMode(Path p) throws IOException {
    return FileMode.fromPosix(Files.readAttributes(p, PosixFileAttributes.class).permissions());
  }

  /**
   * {@inheritDoc} On file systems with the {@code unix} attribute view (Linux, macOS); empty on
   * others (Jimfs, Windows).
   */
  @Override
  public Optional<FileSecurity> security(StoragePath path) throws StorageException {
    Path p = resolve(path);
    try {
      if (!unix) {
        Files.readAttributes(p, BasicFileAttributes.class);
        return Optional.empty();
      }
      Map<String, Object> attrs = Files.readAttributes(p, "unix:uid,mode");
      int uid = (Integer) attrs.get("uid");
      int mode = (Integer) attrs.get("mode") & 0777;
      boolean readOnly = Files.getFileStore(p).isReadOnly();
      return Optional.of(new FileSecurity(FileMode.of(mode), uid, PROCESS_UID, readOnly));
    } catch (IOException e) {
      throw IoErrors.wrap("reading the owner of", location(path), e);
    }
  }

  @Override
  public void setMode(StoragePath path, FileMode mode) throws StorageException {
    if (!posix) return;
    try {
      Files.setPosixFilePermissions(resolve(path), mode.toPosix());
    } catch (IOException e) {
      throw IoErrors.wrap("setting the mode of", location(path), e);
    }
  }

  @Override
  public boolean delete(StoragePath path) throws StorageException {
    try {
      return Files.deleteIfExists(resolve(path));
    } catch (IOException e) {
      throw IoErrors.wrap("deleting", location(path), e);
    }
  }

  @Override
  public String toString() {
    return "NioStorage[" + root.toUri() + "]";
  }
}
