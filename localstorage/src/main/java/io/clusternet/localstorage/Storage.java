package io.clusternet.localstorage;

import java.util.Optional;

/**
 * Where a tree lives: the service-provider interface behind {@link Directory} and {@link
 * TypedFile}. Implementations: {@link NioStorage} (any {@code java.nio.file} file system) and
 * {@link InMemoryStorage}; a host application can plug in its own.
 *
 * <p>Contract for implementations:
 *
 * <ul>
 *   <li>Every failure is a {@link StorageException} whose {@link StorageException#location()} is
 *       {@link #location(StoragePath)} of the path concerned.
 *   <li>{@link #write} is atomic (a reader sees the old or the new content, never a mix or an
 *       empty file, also across a crash) and durable once it returns. On failure the old content
 *       is intact and no temporary file is left behind.
 *   <li>Modes are exact: the mode given to {@link #write} or {@link #createDirectory} is the mode
 *       the file has afterwards, whatever the process umask, on create and on replace. A storage
 *       without a permission model ignores modes and returns empty from {@link #mode}.
 *   <li>Parents are never created implicitly: writing below a missing directory is {@link
 *       StorageException.Reason#NOT_FOUND}.
 * </ul>
 */
public interface Storage {

  /** How {@link #write} treats an existing file. */
  enum WriteMode {
    /** Replace the file atomically if it exists. */
    REPLACE,
    /**
     * Fail with {@link StorageException.Reason#ALREADY_EXISTS} if the file exists; the check and
     * the creation are one atomic step, so a concurrent writer's file is never replaced.
     */
    CREATE_NEW
  }

  /** The full, human-readable location of a path (an absolute file name for file systems). */
  String location(StoragePath path);

  /** Whether something exists at the path. */
  boolean exists(StoragePath path) throws StorageException;

  /**
   * The whole content of a file, or empty if there is no file at the path.
   *
   * @throws StorageException {@code WRONG_TYPE} when the path is not a regular file (a directory,
   *     a FIFO, a socket, a device), without opening it; other reasons as the storage reports them
   */
  Optional<byte[]> read(StoragePath path) throws StorageException;

  /** Writes a whole file atomically and durably with exactly the given mode. */
  void write(StoragePath path, byte[] content, FileMode mode, WriteMode writeMode)
      throws StorageException;

  /**
   * Makes sure a directory exists. A missing directory is created (durably) with {@code mode}; an
   * existing one gets {@code mode} too, except the {@linkplain StoragePath#ROOT root}, whose mode
   * belongs to whoever made it, and a directory on a read-only file system (such as a Kubernetes
   * Secret mounted there), whose mode cannot change: it is left as it is, and callers that care
   * check {@link #mode} or {@link #security}. The parent must exist, except for the root, which is created with
   * its parents if missing.
   */
  void createDirectory(StoragePath path, FileMode mode) throws StorageException;

  /**
   * The current mode of the file or directory, or empty if this storage has no permission model.
   *
   * @throws StorageException with {@link StorageException.Reason#NOT_FOUND} if nothing is there
   */
  Optional<FileMode> mode(StoragePath path) throws StorageException;

  /**
   * The owner and mode of the file or directory at the path (following symbolic links), and
   * whether its file system is read-only; empty where this storage has no owners (the default).
   *
   * @throws StorageException with {@link StorageException.Reason#NOT_FOUND} if a storage with
   *     owners finds nothing there
   */
  default java.util.Optional<FileSecurity> security(StoragePath path) throws StorageException {
    return java.util.Optional.empty();
  }

  /** Sets the mode of an existing file or directory; does nothing without a permission model. */
  void setMode(StoragePath path, FileMode mode) throws StorageException;

  /** Deletes a file or an empty directory; returns whether something was deleted. */
  boolean delete(StoragePath path) throws StorageException;
}
