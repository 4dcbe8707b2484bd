package io.clusternet.localstorage;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link Storage} in memory, with the same semantics as {@link NioStorage} on a POSIX file
 * system: parents must exist, a file is not a directory, modes are exact, writes are all or
 * nothing. For tests and for hosts that keep runtime state off disk.
 *
 * <p>To test failure handling it can be given a {@linkplain #withCapacity(long) capacity} (a
 * write that would exceed it fails with {@link StorageException.Reason#NO_SPACE}) and can be
 * made {@linkplain #setReadOnly(boolean) read-only}. Thread-safe.
 */
public final class InMemoryStorage implements Storage {
  private sealed interface Node permits Dir, File {
    FileMode mode();
  }

  private record Dir(FileMode mode) implements Node {}

  private record File(byte[] content, FileMode mode) implements Node {}

  private final String name;
  private final long capacity;
  private final Map<StoragePath, Node> nodes = new TreeMap<>();
  private long used;
  private boolean readOnly;

  private InMemoryStorage(String name, long capacity) {
    this.name = name;
    this.capacity = capacity;
    nodes.put(StoragePath.ROOT, new Dir(FileMode.OWNER_ONLY_DIRECTORY));
  }

  /** An empty storage with unlimited capacity; locations read {@code mem:/…}. */
  public static InMemoryStorage create() {
    return new InMemoryStorage("mem", Long.MAX_VALUE);
  }

  /** An empty storage whose files may hold at most {@code bytes} bytes in total. */
  public static InMemoryStorage withCapacity(long bytes) {
    if (bytes < 0) throw new IllegalArgumentException("capacity must be >= 0, got " + bytes);
    return new InMemoryStorage("mem", bytes);
  }

  /** Makes every later modification fail with {@link StorageException.Reason#READ_ONLY}. */
  public synchronized void setReadOnly(boolean readOnly) {
    this.readOnly = readOnly;
  }

  @Override
  public String location(StoragePath path) {
    return name + ":/" + path;
  }

  @Override
  public synchronized boolean exists(StoragePath path) throws StorageException {
    checkParentsAreDirectories(path, "checking");
    return nodes.containsKey(path);
  }

  @Override
  public synchronized Optional<byte[]> read(StoragePath path) throws StorageException {
    checkParentsAreDirectories(path, "reading");
    Node node = nodes.get(path);
    if (node == null) return Optional.empty();
    if (node instanceof Dir) throw wrongType("reading", path, "is a directory");
    return Optional.of(((File) node).content().clone());
  }

  @Override
  public synchronized void write(StoragePath path, byte[] content, FileMode mode,
      WriteMode writeMode) throws StorageException {
    if (path.isRoot()) throw new IllegalArgumentException("cannot write the storage root");
    requireParentDirectory(path, "writing");
    checkWritable(path, "writing");
    Node old = nodes.get(path);
    if (old instanceof Dir) throw wrongType("writing", path, "is a directory");
    if (old != null && writeMode == WriteMode.CREATE_NEW) {
      throw new StorageException(StorageException.Reason.ALREADY_EXISTS, location(path),
          "writing " + location(path) + ": already exists");
    }
    // Like a real file system, the new content needs room while the old still exists.
    if (content.length > capacity - used) {
      throw new StorageException(StorageException.Reason.NO_SPACE, location(path),
          "writing " + location(path) + ": no space left on device");
    }
    long freed = old == null ? 0 : ((File) old).content().length;
    nodes.put(path, new File(content.clone(), mode));
    used += content.length - freed;
  }

  @Override
  public synchronized void createDirectory(StoragePath path, FileMode mode)
      throws StorageException {
    if (path.isRoot()) return;
    requireParentDirectory(path, "creating directory");
    Node old = nodes.get(path);
    if (old instanceof File) {
      throw wrongType("creating directory", path, "exists and is not a directory");
    }
    if (old != null && old.mode().equals(mode)) return;
    checkWritable(path, "creating directory");
    nodes.put(path, new Dir(mode));
  }

  @Override
  public synchronized Optional<FileMode> mode(StoragePath path) throws StorageException {
    return Optional.of(require(path, "reading the mode of").mode());
  }

  @Override
  public synchronized void setMode(StoragePath path, FileMode mode) throws StorageException {
    Node node = require(path, "setting the mode of");
    checkWritable(path, "setting the mode of");
    nodes.put(path, node instanceof File f ? new File(f.content(), mode) : new Dir(mode));
  }

  @Override
  public synchronized boolean delete(StoragePath path) throws StorageException {
    if (path.isRoot()) throw new IllegalArgumentException("cannot delete the storage root");
    checkParentsAreDirectories(path, "deleting");
    Node node = nodes.get(path);
    if (node == null) return false;
    checkWritable(path, "deleting");
    if (node instanceof Dir) {
      for (StoragePath other : nodes.keySet()) {
        if (!other.equals(path) && path.contains(other)) {
          throw new StorageException(StorageException.Reason.IO_ERROR, location(path),
              "deleting " + location(path) + ": directory not empty");
        }
      }
    } else {
      used -= ((File) node).content().length;
    }
    nodes.remove(path);
    return true;
  }

  private Node require(StoragePath path, String op) throws StorageException {
    checkParentsAreDirectories(path, op);
    Node node = nodes.get(path);
    if (node == null) {
      throw new StorageException(StorageException.Reason.NOT_FOUND, location(path),
          op + " " + location(path) + ": no such file or directory");
    }
    return node;
  }

  private void requireParentDirectory(StoragePath path, String op) throws StorageException {
    checkParentsAreDirectories(path, op);
    if (!nodes.containsKey(path.parent())) {
      throw new StorageException(StorageException.Reason.NOT_FOUND, location(path),
          op + " " + location(path) + ": no such file or directory (parent "
              + location(path.parent()) + " is missing)");
    }
  }

  /** A file on the way to a path is ENOTDIR, as on a real file system. */
  private void checkParentsAreDirectories(StoragePath path, String op) throws StorageException {
    StoragePath p = path;
    while (!p.isRoot()) {
      p = p.parent();
      if (nodes.get(p) instanceof File) {
        throw wrongType(op, path, location(p) + " is not a directory");
      }
    }
  }

  private void checkWritable(StoragePath path, String op) throws StorageException {
    if (readOnly) {
      throw new StorageException(StorageException.Reason.READ_ONLY, location(path),
          op + " " + location(path) + ": read-only file system");
    }
  }

  private StorageException wrongType(String op, StoragePath path, String detail) {
    return new StorageException(StorageException.Reason.WRONG_TYPE, location(path),
        op + " " + location(path) + ": " + detail);
  }

  @Override
  public String toString() {
    return "InMemoryStorage[" + nodes.size() + " entries]";
  }
}
