package io.clusternet.localstorage;

import java.util.Objects;
import java.util.Optional;

/**
 * A file of a declarative tree with a value type, a {@link Codec} and a declared mode. Declared
 * with {@code Directory.file(...)}; placed from the start.
 *
 * @param <T> the value type
 */
public final class TypedFile<T> {
  private final Storage storage;
  private final StoragePath path;
  private final Codec<T> codec;
  private final FileMode mode;

  TypedFile(Storage storage, StoragePath path, Codec<T> codec, FileMode mode) {
    this.storage = storage;
    this.path = path;
    this.codec = Objects.requireNonNull(codec, "codec");
    this.mode = Objects.requireNonNull(mode, "mode");
  }

  public StoragePath path() {
    return path;
  }

  /** The full location, as the storage names it (an absolute file name on a file system). */
  public String location() {
    return storage.location(path);
  }

  /** The declared mode, which every write applies. */
  public FileMode mode() {
    return mode;
  }

  public boolean exists() throws StorageException {
    return storage.exists(path);
  }

  /**
   * The decoded value, or empty if the file does not exist.
   *
   * @throws StorageException with {@link StorageException.Reason#MALFORMED_CONTENT} if the file
   *     exists but does not decode; other reasons for I/O failures
   */
  public Optional<T> read() throws StorageException {
    Optional<byte[]> bytes = storage.read(path);
    if (bytes.isEmpty()) return Optional.empty();
    try {
      return Optional.of(codec.decode(bytes.get()));
    } catch (Codec.MalformedContentException e) {
      throw new StorageException(StorageException.Reason.MALFORMED_CONTENT, location(),
          "reading " + location() + ": malformed content: " + e.getMessage(), e);
    }
  }

  /** The raw content, or empty if the file does not exist. */
  public Optional<byte[]> readBytes() throws StorageException {
    return storage.read(path);
  }

  /** Replaces the file (or creates it) atomically and durably, with the declared mode. */
  public void write(T value) throws StorageException {
    storage.write(path, codec.encode(value), mode, Storage.WriteMode.REPLACE);
  }

  /**
   * Creates the file atomically and durably, with the declared mode, only if it does not exist.
   *
   * @throws StorageException with {@link StorageException.Reason#ALREADY_EXISTS} if it does
   */
  public void create(T value) throws StorageException {
    storage.write(path, codec.encode(value), mode, Storage.WriteMode.CREATE_NEW);
  }

  /** The storage the file lives in. */
  public Storage storage() {
    return storage;
  }

  /** The file's owner, mode and file system (see {@link Storage#security}), or empty. */
  public Optional<FileSecurity> security() throws StorageException {
    return storage.security(path);
  }

  /** The file's current mode, or empty where the storage has no permission model. */
  public Optional<FileMode> currentMode() throws StorageException {
    return storage.mode(path);
  }

  /** Sets the file's mode back to the declared one. */
  public void restoreMode() throws StorageException {
    storage.setMode(path, mode);
  }

  public boolean delete() throws StorageException {
    return storage.delete(path);
  }

  @Override
  public String toString() {
    return "TypedFile[" + location() + ", " + mode + "]";
  }
}
