package io.clusternet.core.mesh;

import io.clusternet.api.crypto.PublicKey;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * The peers the device should have, keyed (and sorted) by public key, and the nodes excluded. An
 * immutable value: equality is by peers and exclusions.
 *
 * <p>A mesh made by a {@link MeshState} also knows which keys changed since the mesh that state
 * made just before it ({@link #changedSince}), so a reconciler can diff only those.
 */
public final class DesiredMesh {
  private final SortedMap<PublicKey, DesiredPeer> peers; // immutable
  private final Collection<Exclusion> excludedSorted; // immutable
  private volatile List<Exclusion> excluded; // made on first use
  // Lineage: which MeshState made it (0: none), its generation there, and the keys whose entry
  // differs from that state's previous generation.
  private final long lineage;
  private final long generation;
  private final SortedSet<PublicKey> changed;

  /**
   * @param peers desired peers by public key (copied)
   * @param excluded excluded nodes, sorted by name (copied)
   */
  public DesiredMesh(SortedMap<PublicKey, DesiredPeer> peers, List<Exclusion> excluded) {
    this(peers, excluded, 0L, 0L, null);
  }

  private DesiredMesh(SortedMap<PublicKey, DesiredPeer> peers, List<Exclusion> excluded,
      long lineage, long generation, SortedSet<PublicKey> changed) {
    this.peers = Collections.unmodifiableSortedMap(new TreeMap<>(peers));
    this.excluded = List.copyOf(excluded);
    this.excludedSorted = this.excluded;
    this.lineage = lineage;
    this.generation = generation;
    this.changed = changed;
  }

  /**
   * A mesh made by a {@link MeshState}, sharing its immutable (persistent) maps without copying.
   */
  DesiredMesh(org.pcollections.PSortedMap<PublicKey, DesiredPeer> peers,
      org.pcollections.PSortedMap<String, Exclusion> excluded, long lineage, long generation,
      SortedSet<PublicKey> changed) {
    this.peers = peers;
    this.excludedSorted = excluded.values();
    this.lineage = lineage;
    this.generation = generation;
    this.changed = changed == null ? null : Collections.unmodifiableSortedSet(changed);
  }

  public static DesiredMesh of(Map<PublicKey, DesiredPeer> peers, List<Exclusion> excluded) {
    return new DesiredMesh(new TreeMap<>(peers), excluded);
  }

  /** Desired peers by public key, sorted by key. */
  public SortedMap<PublicKey, DesiredPeer> peers() {
    return peers;
  }

  /** Excluded nodes, sorted by name. */
  public List<Exclusion> excluded() {
    List<Exclusion> list = excluded;
    if (list == null) excluded = list = List.copyOf(excludedSorted);
    return list;
  }

  /**
   * The public keys whose entry may differ between {@code earlier} and this mesh (added, removed
   * or changed peers), sorted, if that is known without comparing the two: when both come from
   * the same {@link MeshState} and this one is the very next it made. Otherwise empty, and a
   * caller compares the maps.
   */
  public Optional<Set<PublicKey>> changedSince(DesiredMesh earlier) {
    if (earlier == this) return Optional.of(Set.of());
    if (changed == null || lineage == 0 || earlier.lineage != lineage
        || earlier.generation != generation - 1) {
      return Optional.empty();
    }
    return Optional.of(changed);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DesiredMesh m && peers.equals(m.peers) && excluded().equals(m.excluded());
  }

  @Override
  public int hashCode() {
    return Objects.hash(peers, excluded());
  }

  @Override
  public String toString() {
    return "DesiredMesh[peers=" + peers + ", excluded=" + excluded() + "]";
  }
}
