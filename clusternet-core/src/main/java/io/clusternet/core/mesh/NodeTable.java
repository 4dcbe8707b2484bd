package io.clusternet.core.mesh;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The nodes as clusternet sees them, with a version that moves only when something clusternet
 * reads changes. A heartbeat replaces a Node object but yields an equal {@link NodeInfo}, so it
 * leaves the version alone, and everything downstream (mapping, diffing) can skip the work. A
 * bounded journal of the names changed per version answers {@link #changesSince} without a full
 * snapshot. Thread-safe: writers and {@link #changesSince} are serialised, {@link #snapshot()}
 * reads without locking.
 */
public final class NodeTable {
  /** Versions the journal reaches back; older callers take a full snapshot. */
  static final int JOURNAL = 16_384;

  private record Entry(long version, String name) {}

  private final ConcurrentHashMap<String, NodeInfo> nodes = new ConcurrentHashMap<>();
  private volatile long version;
  private final ArrayDeque<Entry> journal = new ArrayDeque<>();

  /** Adds or replaces a node; returns whether anything clusternet reads changed. */
  public synchronized boolean upsert(NodeInfo node) {
    NodeInfo old = nodes.put(node.name(), node);
    if (node.equals(old)) {
      nodes.put(node.name(), old); // keep the old instance: identity means "unchanged"
      return false;
    }
    moved(node.name());
    return true;
  }

  /** Removes a node; returns whether it was there. */
  public synchronized boolean remove(String name) {
    if (nodes.remove(name) != null) {
      moved(name);
      return true;
    }
    return false;
  }

  private void moved(String name) {
    journal.addLast(new Entry(++version, name));
    if (journal.size() > JOURNAL) journal.removeFirst();
  }

  /** Replaces the whole table (a relist); returns whether anything changed. */
  public synchronized boolean replaceAll(Iterable<NodeInfo> all) {
    return !replaceAllChanged(all).isEmpty();
  }

  /** Replaces the whole table (a relist); returns the names added, changed or removed. */
  public synchronized Set<String> replaceAllChanged(Iterable<NodeInfo> all) {
    Set<String> seen = new java.util.HashSet<>();
    Set<String> changed = new java.util.TreeSet<>();
    for (NodeInfo n : all) {
      seen.add(n.name());
      if (upsert(n)) changed.add(n.name());
    }
    for (String name : List.copyOf(nodes.keySet())) {
      if (!seen.contains(name) && remove(name)) changed.add(name);
    }
    return changed;
  }

  public List<NodeInfo> snapshot() {
    return List.copyOf(nodes.values());
  }

  /**
   * The changes after {@code since}, or empty if the journal does not reach back that far (or
   * {@code since} is not a version this table gave). O(changes).
   */
  public synchronized Optional<NodeSource.Changes> changesSince(long since) {
    if (since > version || since < 0) return Optional.empty();
    if (since == version) return Optional.of(new NodeSource.Changes(version, List.of(), List.of()));
    if (journal.isEmpty() || journal.peekFirst().version() > since + 1) return Optional.empty();
    Set<String> names = new LinkedHashSet<>();
    for (Iterator<Entry> it = journal.descendingIterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.version() <= since) break;
      names.add(e.name());
    }
    List<NodeInfo> upserts = new ArrayList<>();
    List<String> removals = new ArrayList<>();
    for (String name : names) {
      NodeInfo now = nodes.get(name);
      if (now != null) {
        upserts.add(now);
      } else {
        removals.add(name);
      }
    }
    return Optional.of(new NodeSource.Changes(version, upserts, removals));
  }

  /** Moves whenever a node is added, removed or changed in a field clusternet reads. */
  public long version() {
    return version;
  }

  public int size() {
    return nodes.size();
  }
}
