package io.clusternet.localstorage;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where a {@link Directory} is: a storage, a path in it and the directory's mode. Every
 * directory's constructor takes one, so a directory is placed from the moment it exists. Only
 * {@link #root(Storage)} and a parent's {@code dir(...)} make placements, and each can be used
 * by exactly one directory: placing a second directory with it fails.
 */
public final class Placement {
  private final Storage storage;
  private final StoragePath path;
  private final FileMode mode;
  private final AtomicBoolean claimed = new AtomicBoolean();

  Placement(Storage storage, StoragePath path, FileMode mode) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.path = Objects.requireNonNull(path, "path");
    this.mode = Objects.requireNonNull(mode, "mode");
  }

  /** The placement of a tree's root directory at the root of {@code storage}. */
  public static Placement root(Storage storage) {
    return new Placement(storage, StoragePath.ROOT, FileMode.OWNER_ONLY_DIRECTORY);
  }

  /**
   * The placement of a tree's root directory at the root of {@code storage}, created with {@code
   * mode} if it does not exist (an existing root's mode is left alone).
   */
  public static Placement root(Storage storage, FileMode mode) {
    return new Placement(storage, StoragePath.ROOT, mode);
  }

  public Storage storage() {
    return storage;
  }

  public StoragePath path() {
    return path;
  }

  public FileMode mode() {
    return mode;
  }

  void claim() {
    if (!claimed.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "already placed: " + storage.location(path) + " has a directory already");
    }
  }

  @Override
  public String toString() {
    return "Placement[" + storage.location(path) + ", " + mode + "]";
  }
}
