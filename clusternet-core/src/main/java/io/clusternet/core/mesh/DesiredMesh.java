package io.clusternet.core.mesh;

import io.clusternet.api.crypto.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The peers the device should have, keyed (and sorted) by public key, and the nodes excluded.
 *
 * @param peers desired peers by public key
 * @param excluded excluded nodes, sorted by name
 */
public record DesiredMesh(SortedMap<PublicKey, DesiredPeer> peers, List<Exclusion> excluded) {
  public DesiredMesh {
    peers = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(peers));
    excluded = List.copyOf(excluded);
  }

  public static DesiredMesh of(Map<PublicKey, DesiredPeer> peers, List<Exclusion> excluded) {
    return new DesiredMesh(new TreeMap<>(peers), excluded);
  }
}
