package io.clusternet.localstorage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A location inside a {@link Storage}, relative to its root: a list of validated names. The
 * {@linkplain #ROOT root} has no names. Instances are immutable and compare by their names.
 */
public final class StoragePath implements Comparable<StoragePath> {
  /** The storage root itself. */
  public static final StoragePath ROOT = new StoragePath(List.of());

  private final List<String> names;

  private StoragePath(List<String> names) {
    this.names = names;
  }

  /**
   * A path from names, each checked with {@link #checkName(String)}.
   *
   * @throws IllegalArgumentException if a name is invalid
   */
  public static StoragePath of(String... names) {
    StoragePath path = ROOT;
    for (String name : names) {
      path = path.resolve(name);
    }
    return path;
  }

  /**
   * This path with one more name.
   *
   * @throws IllegalArgumentException if the name is empty, {@code .} or {@code ..}, or contains
   *     {@code /} or a NUL character
   */
  public StoragePath resolve(String name) {
    String problem = nameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException(
          "invalid name \"" + name + "\" under /" + this + ": " + problem);
    }
    List<String> longer = new ArrayList<>(names.size() + 1);
    longer.addAll(names);
    longer.add(name);
    return new StoragePath(Collections.unmodifiableList(longer));
  }

  /** Checks one name; see {@link #resolve(String)}. */
  public static String checkName(String name) {
    String problem = nameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException("invalid name \"" + name + "\": " + problem);
    }
    return name;
  }

  static String nameProblem(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) return "must not be empty";
    if (name.equals(".") || name.equals("..")) return "must not be . or ..";
    if (name.indexOf('/') >= 0) return "must not contain '/'";
    if (name.indexOf('\0') >= 0) return "must not contain a NUL character";
    return null;
  }

  /** The names from the root down; empty for {@link #ROOT}. */
  public List<String> names() {
    return names;
  }

  public boolean isRoot() {
    return names.isEmpty();
  }

  /** The last name. @throws IllegalStateException for {@link #ROOT} */
  public String fileName() {
    if (names.isEmpty()) throw new IllegalStateException("the root has no name");
    return names.get(names.size() - 1);
  }

  /** The parent path. @throws IllegalStateException for {@link #ROOT} */
  public StoragePath parent() {
    if (names.isEmpty()) throw new IllegalStateException("the root has no parent");
    return new StoragePath(names.subList(0, names.size() - 1));
  }

  /** Whether {@code other} is this path or below it. */
  public boolean contains(StoragePath other) {
    return other.names.size() >= names.size() && other.names.subList(0, names.size()).equals(names);
  }

  @Override
  public int compareTo(StoragePath other) {
    int n = Math.min(names.size(), other.names.size());
    for (int i = 0; i < n; i++) {
      int c = names.get(i).compareTo(other.names.get(i));
      if (c != 0) return c;
    }
    return Integer.compare(names.size(), other.names.size());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoragePath other && names.equals(other.names);
  }

  @Override
  public int hashCode() {
    return names.hashCode();
  }

  /** The names joined with '/', without a leading slash; empty for {@link #ROOT}. */
  @Override
  public String toString() {
    return String.join("/", names);
  }
}
