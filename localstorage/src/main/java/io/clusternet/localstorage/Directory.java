package io.clusternet.localstorage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A directory of a declarative tree. A subclass declares its children once, as final fields:
 *
 * <pre>{@code
 * public final class KeyDirectory extends Directory {
 *   public final TypedFile<String> key = file("key", Codecs.utf8(), FileMode.OWNER_READ_WRITE);
 *   public final Directory cache = dir("cache", FileMode.OWNER_ONLY_DIRECTORY);
 *
 *   public KeyDirectory(Placement placement) {
 *     super(placement);
 *   }
 * }
 *
 * KeyDirectory root = new KeyDirectory(Placement.root(NioStorage.at(Path.of("/var/lib/x"))));
 * root.create(); // mkdir the root, "cache", with their modes
 * }</pre>
 *
 * <p>A directory is placed when it is constructed (see {@link Placement}); children are placed by
 * the {@code dir}/{@code file} calls. Names are validated at declaration: not empty, no {@code /},
 * not {@code .} or {@code ..}, unique within the directory; errors name the full location.
 * Declaring children after the constructor has finished is not supported.
 */
public abstract class Directory {
  private final Placement placement;
  private final Map<String, Object> children = new LinkedHashMap<>();

  protected Directory(Placement placement) {
    Objects.requireNonNull(placement, "placement").claim();
    this.placement = placement;
  }

  /** Declares a sub-directory with mode {@code 0700}, built by {@code factory}. */
  protected final <D extends Directory> D dir(String name, Function<Placement, D> factory) {
    return dir(name, FileMode.OWNER_ONLY_DIRECTORY, factory);
  }

  /** Declares a sub-directory with {@code mode}, built by {@code factory}. */
  protected final <D extends Directory> D dir(
      String name, FileMode mode, Function<Placement, D> factory) {
    Placement child = new Placement(placement.storage(), childPath(name), mode);
    D dir = Objects.requireNonNull(factory.apply(child), "factory returned null");
    if (((Directory) dir).placement != child) {
      throw new IllegalStateException("the factory for "
          + placement.storage().location(child.path()) + " must construct its directory with the placement it is given");
    }
    children.put(name, dir);
    return dir;
  }

  /** Declares a sub-directory with {@code mode} that has no declared children of its own. */
  protected final Directory dir(String name, FileMode mode) {
    return dir(name, mode, Plain::new);
  }

  /** Declares a typed file with {@code mode}. */
  protected final <T> TypedFile<T> file(String name, Codec<T> codec, FileMode mode) {
    TypedFile<T> file = new TypedFile<>(placement.storage(), childPath(name), codec, mode);
    children.put(name, file);
    return file;
  }

  private StoragePath childPath(String name) {
    String problem = StoragePath.nameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException(
          "invalid name \"" + name + "\" in directory " + location() + ": " + problem);
    }
    StoragePath path = placement.path().resolve(name);
    if (children.containsKey(name)) {
      throw new IllegalArgumentException(
          "duplicate name \"" + name + "\" in directory " + location() + ": "
              + placement.storage().location(path) + " is declared twice");
    }
    return path;
  }

  /**
   * Creates this directory and every declared directory below it, each with its declared mode
   * (see {@link Storage#createDirectory}). Files are not created. Idempotent.
   */
  public final void create() throws StorageException {
    placement.storage().createDirectory(placement.path(), placement.mode());
    for (Object child : children.values()) {
      if (child instanceof Directory d) d.create();
    }
  }

  /** Whether this directory exists. */
  public final boolean exists() throws StorageException {
    return placement.storage().exists(placement.path());
  }

  public final StoragePath path() {
    return placement.path();
  }

  /** The full location, as the storage names it (an absolute file name on a file system). */
  public final String location() {
    return placement.storage().location(placement.path());
  }

  /** The declared mode. */
  public final FileMode mode() {
    return placement.mode();
  }

  public final Storage storage() {
    return placement.storage();
  }

  /** The declared children's names, in declaration order. */
  public final List<String> childNames() {
    return Collections.unmodifiableList(new ArrayList<>(children.keySet()));
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + location() + "]";
  }

  private static final class Plain extends Directory {
    Plain(Placement placement) {
      super(placement);
    }
  }
}
