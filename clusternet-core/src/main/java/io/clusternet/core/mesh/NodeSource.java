package io.clusternet.core.mesh;

import java.util.List;

/**
 * Where nodes come from: a full snapshot on demand, a signal when anything may have changed, and
 * whether the first full listing has arrived. {@code io.clusternet.core.k8s.InformerNodeSource}
 * is the Kubernetes one; tests use a plain in-memory one.
 */
public interface NodeSource {
  /** Every node currently known. */
  List<NodeInfo> snapshot();

  /** Whether the source has delivered its first complete listing. */
  boolean hasSynced();

  /**
   * What keeps this source from being current, if anything (for example: watching fails with
   * HTTP 403); one line. Empty by default and whenever all is well.
   */
  default java.util.Optional<String> problem() {
    return java.util.Optional.empty();
  }

  /** Registers a callback run (on any thread) whenever the nodes may have changed. */
  void onChange(Runnable listener);

  /**
   * A number that changes whenever {@link #snapshot()} would return different content, or -1 if
   * this source cannot tell (then every snapshot is mapped anew).
   */
  default long version() {
    return -1;
  }

  /**
   * What changed after {@code version} (a value {@link #version()} returned), if this source can
   * tell: the current info of every node added or changed since, and the names removed since.
   * Empty if it cannot (the default, or {@code version} is too old); then a caller takes a full
   * {@link #snapshot()}.
   */
  default java.util.Optional<Changes> changesSince(long version) {
    return java.util.Optional.empty();
  }

  /**
   * The source of truth read afresh, with no shortcut: for the Kubernetes source, the informer's
   * cache itself rather than the table its events feed. {@link #snapshot()} may lag it by the
   * events still in flight; {@link Truth#settled()} says whether any are. The default (a source
   * with nothing behind its snapshot) is the snapshot, settled.
   */
  default Truth truth() {
    long version = version();
    return new Truth(snapshot(), true, version);
  }

  /**
   * Makes what {@link #snapshot()} and {@link #changesSince} return equal to the source of truth
   * as it is now (after a divergence was found); returns the names that changed. Moves {@link
   * #version()} if anything changed. The default does nothing.
   */
  default java.util.Set<String> repair() {
    return java.util.Set.of();
  }

  /**
   * The source of truth at one moment.
   *
   * @param nodes every node
   * @param settled whether every change in {@code nodes} has also reached {@link #snapshot()}'s
   *     view (no event in flight); when false, a difference between the two may be just lag
   * @param version {@link #version()} at the same moment: the fast view this truth is to be
   *     compared with
   */
  record Truth(List<NodeInfo> nodes, boolean settled, long version) {
    public Truth {
      nodes = List.copyOf(nodes);
    }
  }

  /**
   * Changes between two versions.
   *
   * @param version the version these changes lead to
   * @param upserts nodes added or changed (their current info), each name once
   * @param removals names removed, each once
   */
  record Changes(long version, List<NodeInfo> upserts, List<String> removals) {
    public Changes {
      upserts = List.copyOf(upserts);
      removals = List.copyOf(removals);
    }
  }
}
