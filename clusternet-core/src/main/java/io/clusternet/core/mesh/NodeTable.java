package io.clusternet.core.mesh;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The nodes as clusternet sees them, with a version that moves only when something clusternet
 * reads changes. A heartbeat replaces a Node object but yields an equal {@link NodeInfo}, so it
 * leaves the version alone, and everything downstream (mapping, diffing) can skip the work.
 * Thread-safe.
 */
public final class NodeTable {
  private final ConcurrentHashMap<String, NodeInfo> nodes = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong();

  /** Adds or replaces a node; returns whether anything clusternet reads changed. */
  public boolean upsert(NodeInfo node) {
    NodeInfo old = nodes.put(node.name(), node);
    if (node.equals(old)) {
      nodes.replace(node.name(), node, old); // keep the old instance: identity means "unchanged"
      return false;
    }
    version.incrementAndGet();
    return true;
  }

  /** Removes a node; returns whether it was there. */
  public boolean remove(String name) {
    if (nodes.remove(name) != null) {
      version.incrementAndGet();
      return true;
    }
    return false;
  }

  /** Replaces the whole table (a relist); returns whether anything changed. */
  public boolean replaceAll(Iterable<NodeInfo> all) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    boolean changed = false;
    for (NodeInfo n : all) {
      seen.add(n.name());
      changed |= upsert(n);
    }
    for (String name : List.copyOf(nodes.keySet())) {
      if (!seen.contains(name)) changed |= remove(name);
    }
    return changed;
  }

  public List<NodeInfo> snapshot() {
    return List.copyOf(nodes.values());
  }

  /** Moves whenever a node is added, removed or changed in a field clusternet reads. */
  public long version() {
    return version.get();
  }

  public int size() {
    return nodes.size();
  }
}
